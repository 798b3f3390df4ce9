package io.mqttdispatcher.probe.sample;

/**
 * One snapshot of a process's CPU counters.
 *
 * @param pid process id
 * @param startMillis when the process started (tells a restarted process with a reused pid apart)
 * @param cpuMillis user plus kernel time used so far
 * @param wallMillis monotonic clock of the snapshot
 */
public record ProcessTimes(long pid, long startMillis, long cpuMillis, long wallMillis) {}

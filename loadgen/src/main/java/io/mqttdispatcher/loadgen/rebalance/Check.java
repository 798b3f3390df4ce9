package io.mqttdispatcher.loadgen.rebalance;

/**
 * One thing a run must show, measured.
 *
 * @param name what is checked, e.g. {@code devices back on a donor during the plan}
 * @param measured what the run measured, in words and units
 * @param expected what passes
 * @param passed whether it did
 */
public record Check(String name, String measured, String expected, boolean passed) {}

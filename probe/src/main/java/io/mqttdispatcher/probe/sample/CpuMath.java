package io.mqttdispatcher.probe.sample;

import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of CPU load from two successive snapshots, with no OSHI in it so it can be tested
 * on recorded values. What the probe reports is utilisation of what the broker can use: the CPU
 * time used over the CPU time the broker's cores could have given. A single-threaded broker
 * (Mosquitto) can use one core, so keeping that core busy is 1.0 however many cores the host has; a
 * broker that can use the whole host is measured against all its logical processors.
 */
public final class CpuMath {
  private CpuMath() {}

  /**
   * Host CPU between two tick snapshots in OSHI's {@code TickType} order (user, nice, system, idle,
   * iowait, irq, softirq, steal): the share of ticks that were neither idle nor waiting for I/O.
   * Zero when no tick passed (two snapshots in the same clock tick).
   */
  public static double hostLoad(long[] previous, long[] current) {
    if (previous.length != current.length || current.length < HostTicks.IOWAIT + 1) {
      throw new IllegalArgumentException(
          "tick snapshots must have the same length and at least "
              + (HostTicks.IOWAIT + 1)
              + " entries");
    }
    long total = 0;
    for (int i = 0; i < current.length; i++) {
      total += Math.max(0, current[i] - previous[i]);
    }
    long idle =
        Math.max(0, current[HostTicks.IDLE] - previous[HostTicks.IDLE])
            + Math.max(0, current[HostTicks.IOWAIT] - previous[HostTicks.IOWAIT]);
    if (total <= 0) {
      return 0;
    }
    return clamp((double) (total - idle) / total);
  }

  /**
   * Utilisation of {@code cores} of a host with {@code logicalProcessors}, from a share of the
   * whole host ({@link #hostLoad}): 1/8 of an 8-core host is one core, 1.0 of a broker that can use
   * one. Capped at 1: what the host does beyond the broker's cores is not the broker's.
   */
  public static double utilisation(double hostShare, int logicalProcessors, double cores) {
    if (logicalProcessors <= 0) {
      throw new IllegalArgumentException(
          "logical processors must be at least 1, was " + logicalProcessors);
    }
    return clamp(hostShare * logicalProcessors / checkCores(cores));
  }

  /**
   * One process's utilisation between two snapshots: the CPU time it used divided by the wall time
   * that passed times the {@code cores} it can use. Zero when no wall time passed or when the
   * snapshots are of different processes (a restarted broker's counters start again from zero).
   */
  public static double processLoad(ProcessTimes previous, ProcessTimes current, double cores) {
    checkCores(cores);
    if (previous.pid() != current.pid() || previous.startMillis() != current.startMillis()) {
      return 0;
    }
    long wallMillis = current.wallMillis() - previous.wallMillis();
    long cpuMillis = current.cpuMillis() - previous.cpuMillis();
    if (wallMillis <= 0 || cpuMillis <= 0) {
      return 0;
    }
    return clamp((double) cpuMillis / ((double) wallMillis * cores));
  }

  /**
   * The cores the broker can use: {@code brokerCores} when given (at most the host's), else all of
   * the host's {@code logicalProcessors}.
   */
  public static double usableCores(@Nullable Double brokerCores, int logicalProcessors) {
    if (logicalProcessors <= 0) {
      throw new IllegalArgumentException(
          "logical processors must be at least 1, was " + logicalProcessors);
    }
    return brokerCores == null
        ? logicalProcessors
        : Math.min(checkCores(brokerCores), logicalProcessors);
  }

  /** For the log: "1 of 8 cores", "all 8 cores". */
  static String describeCores(double cores, int logicalProcessors) {
    String n = cores == Math.rint(cores) ? String.valueOf((long) cores) : String.valueOf(cores);
    return cores >= logicalProcessors
        ? "all " + logicalProcessors + " cores"
        : n + " of " + logicalProcessors + " cores";
  }

  private static double checkCores(double cores) {
    if (!(cores > 0) || Double.isInfinite(cores)) {
      throw new IllegalArgumentException("cores must be a number above 0, was " + cores);
    }
    return cores;
  }

  /** Memory in use as a fraction of {@code total}. */
  public static double fraction(long used, long total) {
    return total <= 0 ? 0 : clamp((double) used / total);
  }

  static double clamp(double value) {
    if (!(value > 0)) {
      return 0; // also NaN
    }
    return Math.min(1, value);
  }

  /** Indices into a host tick snapshot. */
  static final class HostTicks {
    static final int IDLE = 3;
    static final int IOWAIT = 4;

    private HostTicks() {}
  }
}

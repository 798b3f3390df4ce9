package io.mqttdispatcher.probe.sample;

/**
 * The arithmetic of CPU load from two successive snapshots, with no OSHI in it so it can be tested
 * on recorded values. Every result is a fraction of the whole machine (all logical processors), so a
 * process that keeps one core of a four-core host busy is 0.25.
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
      throw new IllegalArgumentException("tick snapshots must have the same length and at least "
          + (HostTicks.IOWAIT + 1) + " entries");
    }
    long total = 0;
    for (int i = 0; i < current.length; i++) {
      total += Math.max(0, current[i] - previous[i]);
    }
    long idle = Math.max(0, current[HostTicks.IDLE] - previous[HostTicks.IDLE])
        + Math.max(0, current[HostTicks.IOWAIT] - previous[HostTicks.IOWAIT]);
    if (total <= 0) {
      return 0;
    }
    return clamp((double) (total - idle) / total);
  }

  /**
   * One process's CPU between two snapshots: the CPU time it used divided by the wall time that
   * passed times the number of logical processors. Zero when no wall time passed or when the
   * snapshots are of different processes (a restarted broker's counters start again from zero).
   */
  public static double processLoad(ProcessTimes previous, ProcessTimes current, int logicalProcessors) {
    if (logicalProcessors <= 0) {
      throw new IllegalArgumentException("logical processors must be at least 1, was " + logicalProcessors);
    }
    if (previous.pid() != current.pid() || previous.startMillis() != current.startMillis()) {
      return 0;
    }
    long wallMillis = current.wallMillis() - previous.wallMillis();
    long cpuMillis = current.cpuMillis() - previous.cpuMillis();
    if (wallMillis <= 0 || cpuMillis <= 0) {
      return 0;
    }
    return clamp((double) cpuMillis / ((double) wallMillis * logicalProcessors));
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

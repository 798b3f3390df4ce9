package io.mqttdispatcher.probe.sys;

import java.util.OptionalDouble;

/**
 * Rate per second of a cumulative counter that the broker publishes periodically, but only when it
 * changed (Mosquitto's {@code $SYS} behaviour). So a missing update means the rate dropped to zero,
 * and the first update after a quiet spell covers one publishing period, not the whole quiet spell:
 * every update covers one period. The publishing period is learned as the shortest gap seen between
 * updates, in whole seconds (the broker's setting, e.g. Mosquitto's {@code sys_interval}), at least
 * one: an update that arrives late, and the next one on time, are closer together than the period,
 * and taking their gap for it would multiply every later rate (by 2.5 for a gap of 0.4 s).
 */
public final class CounterRate {
  private static final long NO_PERIOD = Long.MAX_VALUE;

  /** Allowance for the broker's timer and the network when deciding an update is overdue. */
  private static final long LATE_NANOS = 500_000_000L;

  private boolean seen;
  private long lastCount;
  private long lastNanos;
  private long periodNanos = NO_PERIOD;
  private double rate;

  /** Records that the counter was {@code count} at {@code nanos} ({@link System#nanoTime()}). */
  public void update(long count, long nanos) {
    if (!seen || count < lastCount) {
      // First value, or the broker restarted and its counters began again.
      seen = true;
      lastCount = count;
      lastNanos = nanos;
      rate = 0;
      return;
    }
    long gap = nanos - lastNanos;
    if (gap <= 0) {
      lastCount = count;
      return;
    }
    periodNanos = Math.min(periodNanos, wholeSeconds(gap));
    rate = (count - lastCount) * 1e9 / periodNanos;
    lastCount = count;
    lastNanos = nanos;
  }

  /** Messages per second at {@code nowNanos}; empty before the first update. */
  public OptionalDouble rate(long nowNanos) {
    if (!seen) {
      return OptionalDouble.empty();
    }
    if (periodNanos == NO_PERIOD) {
      return OptionalDouble.of(0);
    }
    boolean overdue = nowNanos - lastNanos > periodNanos + periodNanos / 2 + LATE_NANOS;
    return OptionalDouble.of(overdue ? 0 : rate);
  }

  /** {@code nanos} rounded to whole seconds, at least one. */
  private static long wholeSeconds(long nanos) {
    return Math.max(1, Math.round(nanos / 1e9)) * 1_000_000_000L;
  }

  /** Forgets everything, e.g. after reconnecting to a broker that may have restarted. */
  public void reset() {
    seen = false;
    periodNanos = NO_PERIOD;
    rate = 0;
  }
}

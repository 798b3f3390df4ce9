package io.mqttdispatcher.probe.sys;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Rate per second of a cumulative counter that the broker publishes periodically, but only when it
 * changed (Mosquitto's {@code $SYS} behaviour). So a missing update means the rate dropped to zero,
 * and the first update after a quiet spell covers one publishing period, not the whole quiet spell:
 * every update covers one period.
 *
 * <p>The publishing period is learned from the gaps between updates, each rounded to whole seconds
 * (the broker's timer counts whole seconds: Mosquitto 2.0 with {@code sys_interval 1} publishes
 * every 2 s), as the median of the last {@link #GAPS} gaps. Two kinds of gap are not a period and
 * must not set it: the one after the first value, which the broker sends at once when the
 * subscription starts (retained), however far from its next publication; and a late update followed
 * by one on time, which are closer together than the period (the median passes over them). Taking
 * either for the period multiplied every later rate (by 2 for a broker that publishes every 2 s).
 */
public final class CounterRate {
  /** How many of the latest gaps between updates the period is learned from. */
  static final int GAPS = 8;

  /** Allowance for the broker's timer and the network when deciding an update is overdue. */
  private static final long LATE_NANOS = 500_000_000L;

  private static final long SECOND = 1_000_000_000L;

  private boolean seen;
  private boolean baseline;
  private long lastCount;
  private long lastNanos;
  private final int[] gaps = new int[GAPS]; // whole seconds, 0 = empty
  private int nextGap;
  private long periodNanos;
  private double rate;

  /** Records that the counter was {@code count} at {@code nanos} ({@link System#nanoTime()}). */
  public void update(long count, long nanos) {
    if (!seen || count < lastCount) {
      // First value (sent on subscribing), or the broker restarted and its counters began again.
      seen = true;
      baseline = true;
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
    if (baseline) {
      baseline = false; // the gap from the value sent on subscribing is not a period
    } else {
      gaps[nextGap] =
          (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round((double) gap / SECOND)));
      nextGap = (nextGap + 1) % GAPS;
      periodNanos = medianGap() * SECOND;
    }
    // The counter is the broker's snapshot at its timer, so the increase covers one period
    // whenever this update arrived.
    rate = periodNanos == 0 ? 0 : (count - lastCount) * 1e9 / periodNanos;
    lastCount = count;
    lastNanos = nanos;
  }

  /** Messages per second at {@code nowNanos}; empty before the first update. */
  public OptionalDouble rate(long nowNanos) {
    if (!seen) {
      return OptionalDouble.empty();
    }
    if (periodNanos == 0) {
      return OptionalDouble.of(0);
    }
    boolean overdue = nowNanos - lastNanos > periodNanos + periodNanos / 2 + LATE_NANOS;
    return OptionalDouble.of(overdue ? 0 : rate);
  }

  /** The median of the gaps seen, in whole seconds (the lower one of an even count). */
  private long medianGap() {
    int[] known = Arrays.stream(gaps).filter(g -> g > 0).sorted().toArray();
    return known[(known.length - 1) / 2];
  }

  /** Forgets everything, e.g. after reconnecting to a broker that may have restarted. */
  public void reset() {
    seen = false;
    baseline = false;
    Arrays.fill(gaps, 0);
    nextGap = 0;
    periodNanos = 0;
    rate = 0;
  }
}

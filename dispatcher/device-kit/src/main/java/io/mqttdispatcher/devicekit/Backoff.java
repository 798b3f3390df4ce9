package io.mqttdispatcher.probe.report;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: the n-th retry waits a random time between half and all
 * of {@code min(cap, initial * 2^n)}, so probes that lost the same dispatcher do not all return in
 * the same millisecond, and a retry is never much faster than planned.
 */
public final class Backoff {
  /** The first retry waits about this long. */
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);
  /** No retry waits longer than this. */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(10);

  private final long initialMillis;
  private final long capMillis;
  private final DoubleSupplier random;

  /** @param random values in [0, 1) */
  public Backoff(Duration initial, Duration cap, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= cap, was " + initial + " and " + cap);
    }
    this.initialMillis = initial.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** The wait before retry number {@code attempt} (0 for the first retry). */
  public long delayMillis(int attempt) {
    long ceiling = Math.min(capMillis, initialMillis << Math.min(Math.max(attempt, 0), 30));
    long half = ceiling / 2;
    return half + (long) (random.getAsDouble() * (ceiling - half));
  }
}

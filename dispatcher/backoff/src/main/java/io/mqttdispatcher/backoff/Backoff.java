package io.mqttdispatcher.backoff;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: the n-th retry waits a random time between half and all
 * of {@code min(cap, initial * 2^n)}, so clients that lost the same server do not all return in the
 * same millisecond, and a retry is never much faster than planned. Devices use it to go back
 * through the dispatcher, probes to reach a dispatcher again. Open only so that the device kit can
 * offer it under its own name ({@code io.mqttdispatcher.devicekit.Backoff}); the rule is final.
 */
public class Backoff {
  /** The first retry waits about this long. */
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);

  /** No retry waits longer than this. */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(10);

  private final long initialMillis;
  private final long capMillis;
  private final DoubleSupplier random;

  /** Jitter from {@link ThreadLocalRandom}. */
  public Backoff(Duration initial, Duration cap) {
    this(initial, cap, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param random values in [0, 1)
   */
  public Backoff(Duration initial, Duration cap, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= cap, was " + initial + " and " + cap);
    }
    this.initialMillis = initial.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** The wait before retry number {@code attempt} (0 for the first retry). */
  public final long delayMillis(int attempt) {
    long ceiling = Math.min(capMillis, initialMillis << Math.min(Math.max(attempt, 0), 30));
    long half = ceiling / 2;
    return half + (long) (random.getAsDouble() * (ceiling - half));
  }
}

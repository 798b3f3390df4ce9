package io.mqttdispatcher.devicekit;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The device kit's name for {@link io.mqttdispatcher.backoff.Backoff}, so device code finds what
 * the connector waits with in the kit's own package. The code lives in the {@code backoff}
 * artifact, which the probe uses too without carrying the kit.
 */
public final class Backoff extends io.mqttdispatcher.backoff.Backoff {
  /** Jitter from {@link java.util.concurrent.ThreadLocalRandom}. */
  public Backoff(Duration initial, Duration cap) {
    super(initial, cap);
  }

  /**
   * @param random values in [0, 1)
   */
  public Backoff(Duration initial, Duration cap, DoubleSupplier random) {
    super(initial, cap, random);
  }
}

package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import java.time.Duration;
import java.util.Objects;

/**
 * Holding CONNECTs while no broker is usable, instead of refusing them into the devices' backoff:
 * at most {@code max} connections at once, each at most {@code holdFor}; and, when brokers come
 * back after none was usable, up to {@code gatherWindow} for the others to come back too, so that
 * the first one back does not take the whole wave.
 *
 * @param max connections held at once (0: none; CONNACK 0x88 at once, and no gathering)
 * @param holdFor the longest a connection is held before CONNACK 0x88
 * @param gatherWindow the longest the brokers of a group are waited for when it comes back after an
 *     outage (0: never)
 * @param releaseRate held connections let go per second per usable broker when brokers come back
 *     (0: all at once)
 */
public record Parking(int max, Duration holdFor, Duration gatherWindow, int releaseRate) {

  /** Enough for the wave of a large fleet; each costs one open connection. */
  public static final String DEFAULT_MAX = "10000";

  /** Shorter than the device kit's 5 s CONNACK timeout, so a held device gets an answer. */
  public static final String DEFAULT_HOLD_FOR = "4s";

  /** Probes that restart together report within a second or two of each other. */
  public static final String DEFAULT_GATHER_WINDOW = "2s";

  /**
   * Fast enough that the last of 10,000 held devices over 3 brokers goes within 2 s, slow enough
   * that a broker's accept queue (Mosquitto's holds 100) is not overrun by the wave.
   */
  public static final String DEFAULT_RELEASE_RATE = "0";

  public static final Parking DEFAULT =
      new Parking(
          Integer.parseInt(DEFAULT_MAX),
          DurationConverter.parse(DEFAULT_HOLD_FOR),
          DurationConverter.parse(DEFAULT_GATHER_WINDOW),
          Integer.parseInt(DEFAULT_RELEASE_RATE));

  /** Holds nothing: every CONNECT is answered at once. */
  public static final Parking OFF = new Parking(0, Duration.ofSeconds(1), Duration.ZERO, 0);

  /** Held connections, hold and gathering as given; released all at once. */
  public Parking(int max, Duration holdFor, Duration gatherWindow) {
    this(max, holdFor, gatherWindow, 0);
  }

  public Parking {
    Objects.requireNonNull(holdFor, "holdFor");
    Objects.requireNonNull(gatherWindow, "gatherWindow");
    if (max < 0) {
      throw new IllegalArgumentException("--park-max must be 0 or more, was " + max);
    }
    if (holdFor.isNegative() || holdFor.isZero()) {
      throw new IllegalArgumentException(
          "--park-for must be positive, was " + DurationConverter.format(holdFor));
    }
    if (releaseRate < 0) {
      throw new IllegalArgumentException("--release-rate must be 0 or more, was " + releaseRate);
    }
    if (gatherWindow.isNegative()) {
      throw new IllegalArgumentException(
          "--gather-window must not be negative, was " + DurationConverter.format(gatherWindow));
    }
  }

  /** Whether connections are held at all. */
  public boolean enabled() {
    return max > 0;
  }

  /** The gathering window in force: none when nothing is held. */
  public Duration effectiveGatherWindow() {
    return enabled() ? gatherWindow : Duration.ZERO;
  }
}

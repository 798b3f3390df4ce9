package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import java.time.Duration;
import java.util.Objects;
import picocli.CommandLine.Option;

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

  /** The command-line options of {@link Parking}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--park-max",
        paramLabel = "N",
        defaultValue = DEFAULT_MAX,
        description =
            "CONNECTs held open at once while no broker of the device's group is usable, answered the"
                + " moment one is; 0 answers CONNACK 0x88 at once (default: ${DEFAULT-VALUE}). Held"
                + " connections count against --max-pending.")
    int max;

    @Option(
        names = "--park-for",
        paramLabel = "DURATION",
        defaultValue = DEFAULT_HOLD_FOR,
        converter = DurationConverter.class,
        description =
            "The longest a CONNECT is held before CONNACK 0x88; keep it below the devices' own"
                + " CONNACK timeout (default: ${DEFAULT-VALUE}).")
    Duration holdFor;

    @Option(
        names = "--gather-window",
        paramLabel = "DURATION",
        defaultValue = DEFAULT_GATHER_WINDOW,
        converter = DurationConverter.class,
        description =
            "When brokers come back after none of a group was usable, held devices wait up to this"
                + " long for the group's other recently seen brokers, so the first one back does not"
                + " take them all; 0 = never (default: ${DEFAULT-VALUE}).")
    Duration gatherWindow;

    @Option(
        names = "--release-rate",
        paramLabel = "N",
        defaultValue = DEFAULT_RELEASE_RATE,
        description =
            "When brokers come back, held devices are let go at most N a second per usable broker,"
                + " so the wave does not overrun the brokers' accept queues; 0 = all at once"
                + " (default: ${DEFAULT-VALUE}).")
    int releaseRate;

    /** The validated settings. */
    public Parking value() {
      return new Parking(max, holdFor, gatherWindow, releaseRate);
    }
  }
}

package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What a device connection may cost before it is closed.
 *
 * @param connectTimeout close a device that sends no CONNECT within this time
 * @param maxConnectSize largest CONNECT accepted, in bytes of remaining length
 * @param maxPending device connections that may wait for their CONNECT at once; more are closed
 * @param maxConnectsPerSource new connections per source address per second; 0 = no limit
 */
public record Limits(
    Duration connectTimeout, int maxConnectSize, int maxPending, int maxConnectsPerSource) {

  public Limits {
    DispatcherOptions.requirePositive(connectTimeout, "--connect-timeout");
    if (maxConnectSize < 16) {
      throw new IllegalArgumentException(
          "--max-connect-size must be at least 16 bytes, was " + maxConnectSize);
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("--max-pending must be at least 1, was " + maxPending);
    }
    if (maxConnectsPerSource < 0) {
      throw new IllegalArgumentException(
          "--max-connects-per-source must be 0 (no limit) or more, was " + maxConnectsPerSource);
    }
  }

  /** The command-line options of {@link Limits}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--connect-timeout",
        paramLabel = "DURATION",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description = "Close a device that sends no CONNECT in time (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(
        names = "--max-connect-size",
        paramLabel = "BYTES",
        defaultValue = "65536",
        description =
            "Larger CONNECT packets are refused, v5 with CONNACK 0x95 (default: ${DEFAULT-VALUE}).")
    int maxConnectSize;

    @Option(
        names = "--max-pending",
        paramLabel = "N",
        defaultValue = "20000",
        description =
            "Device connections that may wait for their CONNECT at once; more are closed at accept (default: ${DEFAULT-VALUE}).")
    int maxPending;

    /** Off by default: fleets behind NAT share one address. */
    @Option(
        names = "--max-connects-per-source",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "New device connections per source address per second; more are closed at accept. 0 = no limit, "
                + "for fleets behind NAT (default: ${DEFAULT-VALUE}).")
    int maxConnectsPerSource;

    /** The validated limits. */
    public Limits value() {
      return new Limits(connectTimeout, maxConnectSize, maxPending, maxConnectsPerSource);
    }
  }
}

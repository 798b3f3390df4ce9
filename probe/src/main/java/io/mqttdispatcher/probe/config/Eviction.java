package io.mqttdispatcher.probe.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How the probe moves devices off its broker when a dispatcher asks (rebalance, evacuation), and
 * where it keeps the broker's standing.
 *
 * @param evictor how devices are moved off the broker: {@code mqtt-takeover}, or {@code none}
 * @param maxKnownClients client ids remembered for eviction (from the dispatchers and the broker's
 *     log)
 * @param stateFile where the broker's standing (draining, the eviction plan) is kept across
 *     restarts of the probe, or null to keep it in memory only
 */
public record Eviction(String evictor, int maxKnownClients, @Nullable Path stateFile) {

  /** The evictors there are. */
  public static final List<String> EVICTORS = List.of("mqtt-takeover", "none");

  public Eviction {
    Objects.requireNonNull(evictor, "evictor");
    if (!EVICTORS.contains(evictor)) {
      throw new IllegalArgumentException(
          "--evictor must be one of " + String.join(", ", EVICTORS) + ", was " + evictor);
    }
    if (maxKnownClients < 1) {
      throw new IllegalArgumentException(
          "--max-known-clients must be at least 1, was " + maxKnownClients);
    }
  }

  /** The command-line options of {@link Eviction}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--state-file",
        paramLabel = "FILE",
        description =
            "Keeps the broker's standing (draining, the eviction plan) in FILE, written atomically on"
                + " each change, so a restarted probe still drains; a plan that was running when the"
                + " probe stopped is reported failed (default: none, kept in memory only).")
    @Nullable Path stateFile;

    @Option(
        names = "--evictor",
        paramLabel = "KIND",
        defaultValue = "mqtt-takeover",
        description =
            "How devices are moved off the broker when a dispatcher asks (rebalance, evacuation): mqtt-takeover"
                + " (connect with the device's client id; any MQTT broker) or none (default: ${DEFAULT-VALUE}).")
    String evictor;

    @Option(
        names = "--max-known-clients",
        paramLabel = "N",
        defaultValue = "100000",
        description =
            "Client ids remembered for eviction, from the dispatchers and the broker's connection log; the"
                + " oldest are forgotten past it (default: ${DEFAULT-VALUE}).")
    int maxKnownClients;

    /** The validated settings. */
    public Eviction value() {
      return new Eviction(evictor, maxKnownClients, stateFile);
    }
  }
}

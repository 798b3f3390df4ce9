package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.policy.BoundedLoad;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.policy.SessionRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How a device's broker is chosen and how the device is told.
 *
 * @param redirectCode reason code of a redirect CONNACK
 * @param policy how a broker is chosen
 * @param window load averaging window
 * @param affinityRecords session placements remembered at most (see {@link SessionRecords})
 * @param affinityEpsilon session devices skip brokers above (1 + this) times the mean load ({@link
 *     BoundedLoad})
 * @param routingFile routing rules (YAML) mapping devices to broker groups, or null to treat every
 *     broker as one pool
 */
public record Placement(
    RedirectCode redirectCode,
    PolicyName policy,
    Duration window,
    int affinityRecords,
    double affinityEpsilon,
    @Nullable Path routingFile) {

  public Placement {
    Objects.requireNonNull(redirectCode, "redirectCode");
    Objects.requireNonNull(policy, "policy");
    DispatcherOptions.requirePositive(window, "--window");
    if (affinityRecords < 0) {
      throw new IllegalArgumentException(
          "--affinity-records must be 0 (keep none) or more, was " + affinityRecords);
    }
    if (!(affinityEpsilon >= 0)) {
      throw new IllegalArgumentException(
          "--affinity-epsilon must be 0 or more, was " + affinityEpsilon);
    }
  }

  /** The policy these options name, with session affinity as configured. */
  public BrokerPolicy createPolicy() {
    return policy.create(window, affinityRecords, new BoundedLoad(affinityEpsilon));
  }

  @Override
  public String toString() {
    return "Placement[redirectCode="
        + redirectCode
        + ", policy="
        + policy.optionName()
        + ", window="
        + DurationConverter.format(window)
        + ", affinityRecords="
        + affinityRecords
        + ", affinityEpsilon="
        + affinityEpsilon
        + ", routingFile="
        + routingFile
        + "]";
  }

  /** The command-line options of {@link Placement}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--redirect-code",
        paramLabel = "CODE",
        defaultValue = "use-another-server",
        description =
            "use-another-server (0x9C, temporary: devices come back through the dispatcher) or server-moved (0x9D, permanent: spec-following clients may stop using the dispatcher; the device kit treats both alike) (default: ${DEFAULT-VALUE}).")
    String redirectCode;

    @Option(
        names = "--policy",
        paramLabel = "POLICY",
        defaultValue = "least-load",
        description =
            "How a broker is chosen: least-load (CPU and memory, herd control, capacity), least-cpu (the published"
                + " baseline), round-robin, random, least-connections (default: ${DEFAULT-VALUE}). Devices with a session"
                + " always return to their broker.")
    String policy;

    @Option(
        names = "--window",
        paramLabel = "DURATION",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description = "Load averaging window (default: ${DEFAULT-VALUE}).")
    Duration window;

    /** Enough for a fleet of a million session devices; about 21 MB of heap, taken at start. */
    @Option(
        names = "--affinity-records",
        paramLabel = "N",
        defaultValue = "1000000",
        description =
            "Session devices whose broker is remembered, at most; about "
                + SessionRecords.BYTES_PER_RECORD
                + " bytes of heap each, taken at start. When a record's bucket of 16 is full, its least recently written record is evicted; a device without a record is placed"
                + " by the same hash walk again (default: ${DEFAULT-VALUE}).")
    int affinityRecords;

    @Option(
        names = "--affinity-epsilon",
        paramLabel = "E",
        defaultValue = "0.25",
        description =
            "A new session device skips, in its hash ranking, brokers whose utilisation is above (1 + E) times"
                + " the mean (bounded-load consistent hashing); 'Infinity' = hash alone (default: ${DEFAULT-VALUE}).")
    double affinityEpsilon;

    @Option(
        names = "--routing-file",
        paramLabel = "FILE",
        description =
            "Routing rules (YAML, docs/routing.md): which broker group each device goes to. Checked at start,"
                + " reloaded on change and on SIGHUP; a broken file keeps the rules in force. Without it every broker is one pool.")
    @Nullable Path routingFile;

    /** The validated settings. */
    public Placement value() {
      return new Placement(
          RedirectCode.parse(redirectCode),
          PolicyName.parse(policy),
          window,
          affinityRecords,
          affinityEpsilon,
          routingFile);
    }
  }
}

package io.mqttdispatcher.probe.config;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * What the probe measures, and where it reads it.
 *
 * @param pid process whose CPU and memory are reported, or null
 * @param processName name of the process whose CPU and memory are reported, or null; with neither
 *     this nor {@code pid}, the whole host is reported
 * @param brokerCores cores the broker can use (1 for a single-threaded broker such as Mosquitto),
 *     or null for all of the host's; CPU is reported as utilisation of these
 * @param sysTopics whether to read connections and message rate from the broker's {@code $SYS} tree
 * @param metrics where to read connections and message rate from a Prometheus endpoint instead of
 *     {@code $SYS}, or null
 */
public record Sampling(
    @Nullable Long pid,
    @Nullable String processName,
    @Nullable Double brokerCores,
    boolean sysTopics,
    @Nullable MetricsSource metrics) {

  public Sampling {
    if (pid != null && processName != null) {
      throw new IllegalArgumentException("give --pid or --process, not both");
    }
    if (pid != null && pid <= 0) {
      throw new IllegalArgumentException("--pid must be a positive process id, was " + pid);
    }
    if (processName != null && processName.isBlank()) {
      throw new IllegalArgumentException("--process must name a process");
    }
    if (brokerCores != null && (!(brokerCores > 0) || brokerCores.isInfinite())) {
      throw new IllegalArgumentException(
          "--broker-cores must be a number of cores greater than 0, was " + brokerCores);
    }
  }

  @Override
  public String toString() {
    return "Sampling[pid="
        + pid
        + ", process="
        + processName
        + ", brokerCores="
        + (brokerCores == null ? "all" : brokerCores)
        + ", sysTopics="
        + sysTopics
        + ", metrics="
        + metrics
        + "]";
  }

  /** The command-line options of {@link Sampling}, declared once; a picocli mixin. */
  public static final class Options {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable Target target;

    @Option(
        names = "--broker-cores",
        paramLabel = "N",
        description =
            "Cores the broker can use; CPU is reported as utilisation of these, so a saturated broker reads 1.0 "
                + "on any host. 1 for Mosquitto (single-threaded); in a container, its CPU limit (default: all of the "
                + "host's logical processors).")
    @Nullable Double brokerCores;

    @Option(
        names = "--sys-topics",
        negatable = true,
        defaultValue = "true",
        fallbackValue = "true",
        description =
            "Read connection count and message rate from the broker's $SYS tree when it publishes one "
                + "(default: on; --no-sys-topics turns it off).")
    boolean sysTopics;

    @Option(
        names = "--metrics-url",
        paramLabel = "URL",
        description =
            "Read connection count and message rate from the broker's Prometheus endpoint instead of $SYS, "
                + "polled once per interval: HiveMQ's Prometheus extension (http://host:9399/metrics), EMQX "
                + "(http://host:18083/api/v5/prometheus/stats), VerneMQ (http://host:8888/metrics).")
    @Nullable String metricsUrl;

    @Option(
        names = "--metrics-format",
        paramLabel = "FORMAT",
        defaultValue = MetricsSource.DEFAULT_FORMAT,
        description =
            "Which broker's metric names --metrics-url has: auto (recognised from the names present), hivemq, "
                + "emqx or vernemq (default: ${DEFAULT-VALUE}).")
    String metricsFormat;

    @Option(
        names = "--metrics-connections",
        paramLabel = "NAME",
        description =
            "For another broker: the gauge of connected clients, or OPENED-CLOSED, two counters whose "
                + "difference it is; every series of a name is summed.")
    @Nullable String metricsConnections;

    @Option(
        names = "--metrics-messages",
        paramLabel = "NAME",
        description =
            "For another broker: the counter of messages received from clients; its rate over the interval is "
                + "reported.")
    @Nullable String metricsMessages;

    /** Whose CPU and memory to report: one process instead of the whole host. */
    static final class Target {
      @Option(
          names = "--pid",
          paramLabel = "N",
          required = true,
          description = "Report the CPU and memory of this process instead of the whole host.")
      @Nullable Long pid;

      @Option(
          names = "--process",
          paramLabel = "NAME",
          required = true,
          description =
              "Report the CPU and memory of the oldest process with this name (followed across restarts).")
      @Nullable String processName;
    }

    /** The validated settings. */
    public Sampling value() {
      return new Sampling(
          target == null ? null : target.pid,
          target == null ? null : target.processName,
          brokerCores,
          sysTopics,
          metrics());
    }

    private @Nullable MetricsSource metrics() {
      if (metricsUrl == null) {
        if (metricsConnections != null || metricsMessages != null) {
          throw new IllegalArgumentException(
              "--metrics-connections and --metrics-messages need --metrics-url");
        }
        return null;
      }
      return MetricsSource.of(metricsUrl, metricsFormat, metricsConnections, metricsMessages);
    }
  }
}

package io.mqttdispatcher.probe;

import io.mqttdispatcher.cli.CommandLines;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.cli.SecretFile;
import io.mqttdispatcher.probe.config.DispatcherTls;
import io.mqttdispatcher.probe.config.Endpoints;
import io.mqttdispatcher.probe.config.MetricsSource;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the probe: parses options, starts the {@link Probe}, runs until SIGTERM. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    sortOptions = false,
    description =
        "Runs beside one MQTT broker and reports its load and liveness to every dispatcher.")
public final class ProbeMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeMain.class);

  @Option(
      names = "--broker-id",
      paramLabel = "ID",
      description = "Id shown in the dispatcher (default: this machine's host name).")
  @Nullable String brokerId;

  @Option(
      names = "--endpoint",
      paramLabel = "KIND=ADDRESS",
      required = true,
      description =
          "Advertised endpoint; repeatable: mqtt=host:port (required), mqtts=host:port, "
              + "ws=ws://host:port/mqtt, wss=wss://host:port/mqtt.")
  List<String> endpoints = new ArrayList<>();

  @Option(
      names = "--dispatcher",
      paramLabel = "HOST:PORT",
      required = true,
      converter = HostPort.Converter.class,
      description =
          "Dispatcher probe port to report to; repeatable. A name that resolves to several addresses "
              + "gets one connection per address, and is resolved again every 30 s.")
  List<HostPort> dispatchers = new ArrayList<>();

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      required = true,
      description = "Shared secret (file content, trailing newline stripped). Required.")
  Path secretFile;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = ProbeOptions.DEFAULT_INTERVAL,
      converter = DurationConverter.class,
      description = "Sampling and report interval (default: ${DEFAULT-VALUE}).")
  Duration interval;

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
      names = "--broker-check",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "Where to check that the broker answers an MQTT v5 CONNECT (default: the mqtt endpoint).")
  @Nullable HostPort brokerCheck;

  @Option(
      names = "--sys-topics",
      negatable = true,
      defaultValue = ProbeOptions.DEFAULT_SYS_TOPICS,
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

  @Option(
      names = "--capacity",
      paramLabel = "N",
      defaultValue = ProbeOptions.DEFAULT_CAPACITY,
      description =
          "How much work this broker can take relative to the others: 2 for a broker that can do twice "
              + "the work of a 1, e.g. a multi-threaded broker on twice the cores (default: ${DEFAULT-VALUE}).")
  double capacity;

  @Option(
      names = "--min-change",
      paramLabel = "FRACTION",
      defaultValue = ProbeOptions.DEFAULT_MIN_CHANGE,
      description =
          "Skip a report when the load changed less than this since the last one sent; a report still "
              + "goes out at least every 2 intervals, inside the dispatcher's default --stale-after (default: ${DEFAULT-VALUE}, every report is sent).")
  double minChange;

  @Option(
      names = "--group",
      paramLabel = "NAME",
      defaultValue = ProbeOptions.DEFAULT_GROUP,
      description =
          "The broker's group: routing rules send devices to a group, the dispatcher picks a broker inside it"
              + " (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(
      names = "--cluster",
      description =
          "The group's brokers share sessions (one clustered broker), so a device with a session may go to"
              + " any of them. Give it on every probe of the group; without it the brokers are independent.")
  boolean cluster;

  @Option(
      names = "--tls-trust",
      paramLabel = "FILE",
      description =
          "Report to dispatchers over TLS, trusting the PEM certificates in FILE (a CA, or the dispatchers' "
              + "own); the dispatcher's certificate must name the --dispatcher host (default: plain TCP).")
  @Nullable Path tlsTrust;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "PEM certificate chain this probe presents to dispatchers that ask for one (mutual TLS); needs --tls-trust.")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8) of --tls-cert.")
  @Nullable Path tlsKey;

  /** Whose CPU and memory to report: one process instead of the whole host. */
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
      defaultValue = ProbeOptions.DEFAULT_EVICTOR,
      description =
          "How devices are moved off the broker when a dispatcher asks (rebalance, evacuation): mqtt-takeover"
              + " (connect with the device's client id; any MQTT broker) or none (default: ${DEFAULT-VALUE}).")
  String evictor;

  @Option(
      names = "--max-known-clients",
      paramLabel = "N",
      defaultValue = ProbeOptions.DEFAULT_MAX_KNOWN_CLIENTS,
      description =
          "Client ids remembered for eviction, from the dispatchers and the broker's connection log; the"
              + " oldest are forgotten past it (default: ${DEFAULT-VALUE}).")
  int maxKnownClients;

  @Option(
      names = "--broker-username",
      paramLabel = "NAME",
      description = "The probe's account on the broker, for takeovers and $SYS (default: none).")
  @Nullable String brokerUsername;

  @Option(
      names = "--broker-password-file",
      paramLabel = "FILE",
      description = "Password of --broker-username (file content, trailing newline stripped).")
  @Nullable Path brokerPasswordFile;

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

  @Override
  public Integer call() throws Exception {
    ProbeOptions options = options();
    Probe probe = Probe.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: closing report connections");
                  probe.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  /** The options the command line names, validated. */
  ProbeOptions options() {
    Map<Transport, String> parsed = Endpoints.parse(endpoints);
    return ProbeOptions.builder(
            brokerId != null ? brokerId : ProbeOptions.defaultBrokerId(),
            parsed,
            dispatchers,
            SecretFile.read(secretFile))
        .interval(interval)
        .pid(target == null ? null : target.pid)
        .processName(target == null ? null : target.processName)
        .brokerCores(brokerCores)
        .brokerCheck(brokerCheck)
        .sysTopics(sysTopics)
        .capacity(capacity)
        .minChange(minChange)
        .group(brokerGroup())
        .evictor(evictor)
        .maxKnownClients(maxKnownClients)
        .brokerUsername(brokerUsername)
        .brokerPassword(brokerPasswordFile == null ? null : SecretFile.read(brokerPasswordFile))
        .tls(tls())
        .metrics(metrics())
        .stateFile(stateFile)
        .build();
  }

  private BrokerGroup brokerGroup() {
    if (!BrokerGroup.validName(group)) {
      throw new IllegalArgumentException(
          "--group must be 1 to 64 letters, digits, '.', '_' or '-', was '" + group + "'");
    }
    return new BrokerGroup(group, cluster);
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

  private @Nullable DispatcherTls tls() {
    if (tlsTrust == null) {
      if (tlsCert != null || tlsKey != null) {
        throw new IllegalArgumentException(
            "--tls-cert and --tls-key need --tls-trust (mutual TLS is TLS first)");
      }
      return null;
    }
    return new DispatcherTls(tlsTrust, tlsCert, tlsKey);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling ({@link CommandLines}). */
  static CommandLine commandLine() {
    return CommandLines.create(new ProbeMain(), "probe");
  }
}

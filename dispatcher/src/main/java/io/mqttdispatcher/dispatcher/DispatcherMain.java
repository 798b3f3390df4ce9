package io.mqttdispatcher.dispatcher;

import io.mqttdispatcher.cli.CommandLines;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.cli.SecretFile;
import io.mqttdispatcher.cli.SuppressForbidden;
import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.config.AutoRebalanceBy;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.ParkingOptions;
import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.dispatcher.ctl.CtlCommand;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.policy.SessionRecords;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the dispatcher: parses options, starts the {@link Dispatcher}, waits for SIGTERM.
 */
@Command(
    name = "dispatcher",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    sortOptions = false,
    description =
        "Redirects MQTT v5 devices to the least loaded broker (CONNACK 0x9C/0x9D with a Server Reference).",
    footer =
        "%nCommands for a running dispatcher (drain, evacuate, rebalance, route): 'dispatcher ctl --help'.")
public final class DispatcherMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherMain.class);

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = DispatcherOptions.DEFAULT_LISTEN,
      converter = HostPort.Converter.class,
      description = "MQTT over TCP for devices (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(
      names = "--ws-listen",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "MQTT over WebSocket for devices, redirected to the brokers' ws endpoints (default: none).")
  @Nullable HostPort wsListen;

  @Option(
      names = "--ws-path",
      paramLabel = "PATH",
      defaultValue = DispatcherOptions.DEFAULT_WS_PATH,
      description = "HTTP path of MQTT over WebSocket (default: ${DEFAULT-VALUE}).")
  String wsPath;

  @Option(
      names = "--tls-listen",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "MQTT over TLS for devices, redirected to the brokers' mqtts endpoints; needs --tls-cert and --tls-key (default: none).")
  @Nullable HostPort tlsListen;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain of the TLS listener.")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8) of the TLS listener.")
  @Nullable Path tlsKey;

  @Option(
      names = "--wss-listen",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "MQTT over secure WebSocket (TLS with --tls-cert and --tls-key, path --ws-path) for devices, "
              + "redirected to the brokers' wss endpoints (default: none).")
  @Nullable HostPort wssListen;

  @Option(
      names = "--probe-listen",
      paramLabel = "HOST:PORT",
      defaultValue = DispatcherOptions.DEFAULT_PROBE_LISTEN,
      converter = HostPort.Converter.class,
      description = "Probe reports (default: ${DEFAULT-VALUE}).")
  HostPort probeListen;

  @Option(
      names = "--probe-tls-cert",
      paramLabel = "FILE",
      description =
          "PEM certificate chain of the probe listener: probes must then connect with TLS (default: plain TCP).")
  @Nullable Path probeTlsCert;

  @Option(
      names = "--probe-tls-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8) of the probe listener.")
  @Nullable Path probeTlsKey;

  @Option(
      names = "--probe-client-ca",
      paramLabel = "FILE",
      description =
          "PEM certificates a probe's client certificate must chain to: mutual TLS, a probe without such a "
              + "certificate is refused in the handshake (default: no client certificate asked for).")
  @Nullable Path probeClientCa;

  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      defaultValue = DispatcherOptions.DEFAULT_ADMIN_LISTEN,
      converter = HostPort.Converter.class,
      description = "Admin HTTP: /health, /ready, /brokers, /metrics (default: ${DEFAULT-VALUE}).")
  HostPort adminListen;

  @Option(
      names = "--probe-secret-file",
      paramLabel = "FILE",
      required = true,
      description =
          "Shared secret probes authenticate with (file content, trailing newline stripped). Required.")
  Path probeSecretFile;

  @Option(
      names = "--allow",
      paramLabel = "HOST|CIDR",
      description =
          "Broker endpoint allowed as a redirect target; repeatable. Without any, every endpoint is allowed (a warning is logged).")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--redirect-code",
      paramLabel = "CODE",
      defaultValue = DispatcherOptions.DEFAULT_REDIRECT_CODE,
      description =
          "use-another-server (0x9C, temporary: devices come back through the dispatcher) or server-moved (0x9D, permanent: spec-following clients may stop using the dispatcher; the device kit treats both alike) (default: ${DEFAULT-VALUE}).")
  String redirectCode;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      defaultValue = DispatcherOptions.DEFAULT_POLICY,
      description =
          "How a broker is chosen: least-load (CPU and memory, herd control, capacity), least-cpu (the published"
              + " baseline), round-robin, random, least-connections (default: ${DEFAULT-VALUE}). Devices with a session"
              + " always return to their broker.")
  String policy;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = DispatcherOptions.DEFAULT_WINDOW,
      converter = DurationConverter.class,
      description = "Load averaging window (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--stale-after",
      paramLabel = "DURATION",
      defaultValue = DispatcherOptions.DEFAULT_STALE_AFTER,
      converter = DurationConverter.class,
      description =
          "A broker without a report for this long is not used (default: ${DEFAULT-VALUE}).")
  Duration staleAfter;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = DispatcherOptions.DEFAULT_CONNECT_TIMEOUT,
      converter = DurationConverter.class,
      description = "Close a device that sends no CONNECT in time (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(
      names = "--max-connect-size",
      paramLabel = "BYTES",
      defaultValue = DispatcherOptions.DEFAULT_MAX_CONNECT_SIZE,
      description =
          "Larger CONNECT packets are refused, v5 with CONNACK 0x95 (default: ${DEFAULT-VALUE}).")
  int maxConnectSize;

  @Option(
      names = "--max-pending",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_MAX_PENDING,
      description =
          "Device connections that may wait for their CONNECT at once; more are closed at accept (default: ${DEFAULT-VALUE}).")
  int maxPending;

  @Mixin ParkingOptions parking = new ParkingOptions();

  @Option(
      names = "--max-connects-per-source",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_MAX_CONNECTS_PER_SOURCE,
      description =
          "New device connections per source address per second; more are closed at accept. 0 = no limit, "
              + "for fleets behind NAT (default: ${DEFAULT-VALUE}).")
  int maxConnectsPerSource;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_IO_THREADS,
      description =
          "Event loops for devices, each with its own SO_REUSEPORT socket; 0 = one per core (default: ${DEFAULT-VALUE}).")
  int ioThreads;

  @Option(
      names = "--transport",
      paramLabel = "auto|io_uring|epoll|nio",
      defaultValue = DispatcherOptions.DEFAULT_TRANSPORT,
      description =
          "What the device listeners run on: auto takes io_uring where the kernel (and a container's"
              + " seccomp profile) allows it, else epoll, else NIO; naming io_uring or epoll refuses to"
              + " start where it is not available (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = "--affinity-records",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_AFFINITY_RECORDS,
      description =
          "Session devices whose broker is remembered, at most; about "
              + SessionRecords.BYTES_PER_RECORD
              + " bytes of heap each. When full, the least used record is evicted; a device without a record is placed"
              + " by the same hash walk again (default: ${DEFAULT-VALUE}).")
  int affinityRecords;

  @Option(
      names = "--affinity-epsilon",
      paramLabel = "E",
      defaultValue = DispatcherOptions.DEFAULT_AFFINITY_EPSILON,
      description =
          "A new session device skips, in its hash ranking, brokers whose utilisation is above (1 + E) times"
              + " the mean (bounded-load consistent hashing); 'Infinity' = hash alone (default: ${DEFAULT-VALUE}).")
  double affinityEpsilon;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "Bearer token for POST /brokers/{id}/drain and /undrain. Without it those are disabled.")
  @Nullable Path adminTokenFile;

  @Option(
      names = "--routing-file",
      paramLabel = "FILE",
      description =
          "Routing rules (YAML, docs/routing.md): which broker group each device goes to. Checked at start,"
              + " reloaded on change and on SIGHUP; a broken file keeps the rules in force. Without it every broker is one pool.")
  @Nullable Path routingFile;

  @Option(
      names = "--device-table",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_DEVICE_TABLE,
      description =
          "Slots keeping the last redirect of recent client ids for GET /devices/{clientId}, about 100 bytes each;"
              + " a newer id can take an older one's slot. 0 keeps none (default: ${DEFAULT-VALUE}).")
  int deviceTable;

  @Option(
      names = "--auto-rebalance",
      description =
          "Automatic mode: when the connections per broker stay imbalanced past the thresholds below for"
              + " --auto-rebalance-after, start a rebalance by itself; never within --auto-rebalance-cool-down of the last"
              + " plan; the plan stops at half the thresholds. Off by default.")
  boolean autoRebalance;

  @Option(
      names = "--auto-rebalance-after",
      paramLabel = "DURATION",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_AFTER,
      converter = DurationConverter.class,
      description =
          "How long the imbalance must last before a plan starts (default: ${DEFAULT-VALUE}).")
  Duration autoRebalanceAfter;

  @Option(
      names = "--auto-rebalance-cool-down",
      paramLabel = "DURATION",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_COOL_DOWN,
      converter = DurationConverter.class,
      description =
          "No automatic plan starts within this time of the last plan's start or end (default: ${DEFAULT-VALUE}).")
  Duration autoRebalanceCoolDown;

  @Option(
      names = "--auto-rebalance-abs-threshold",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_ABS_THRESHOLD,
      description =
          "Imbalanced when a broker is more than N connections above the below-mean brokers' mean... (default: ${DEFAULT-VALUE}).")
  double autoRebalanceAbs;

  @Option(
      names = "--auto-rebalance-rel-threshold",
      paramLabel = "R",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_REL_THRESHOLD,
      description = "... and more than R times that mean (default: ${DEFAULT-VALUE}).")
  double autoRebalanceRel;

  @Option(
      names = "--auto-rebalance-rate",
      paramLabel = "N",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_RATE,
      description =
          "Devices each donor moves per second in an automatic plan (default: ${DEFAULT-VALUE}).")
  double autoRebalanceRate;

  @Option(
      names = "--auto-rebalance-by",
      paramLabel = "connections|load",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_BY,
      description =
          "What automatic mode balances: connections (rebalance plans, the thresholds above) or load (message"
              + " rate per capacity: the hottest broker's probe moves one device at a time and the drop weighs it;"
              + " needs $SYS message rates) (default: ${DEFAULT-VALUE}).")
  String autoRebalanceBy;

  @Option(
      names = "--auto-rebalance-load-spread",
      paramLabel = "F",
      defaultValue = DispatcherOptions.DEFAULT_AUTO_REBALANCE_LOAD_SPREAD,
      description =
          "By load: moves start when the hottest broker's message rate per capacity exceeds the coolest's by more"
              + " than F times the mean for --auto-rebalance-after, and stop once within it (default: ${DEFAULT-VALUE}).")
  double autoRebalanceLoadSpread;

  @Override
  public Integer call() throws Exception {
    DispatcherOptions options =
        DispatcherOptions.builder(SecretFile.read(probeSecretFile))
            .listen(listen)
            .wsListen(wsListen)
            .wsPath(wsPath)
            .tlsListen(tlsListen)
            .tlsCert(tlsCert)
            .tlsKey(tlsKey)
            .wssListen(wssListen)
            .probeListen(probeListen)
            .probeTlsCert(probeTlsCert)
            .probeTlsKey(probeTlsKey)
            .probeClientCa(probeClientCa)
            .adminListen(adminListen)
            .allow(AllowList.of(allow))
            .redirectCode(RedirectCode.parse(redirectCode))
            .policy(PolicyName.parse(policy))
            .window(window)
            .staleAfter(staleAfter)
            .connectTimeout(connectTimeout)
            .maxConnectSize(maxConnectSize)
            .maxPending(maxPending)
            .maxConnectsPerSource(maxConnectsPerSource)
            .ioThreads(ioThreads)
            .transport(TransportChoice.parse(transport))
            .affinityRecords(affinityRecords)
            .affinityEpsilon(affinityEpsilon)
            .adminToken(adminTokenFile == null ? null : SecretFile.read(adminTokenFile))
            .routingFile(routingFile)
            .deviceTable(deviceTable)
            .autoRebalance(
                !autoRebalance
                    ? null
                    : new AutomaticTrigger.Settings(
                        autoRebalanceAfter,
                        autoRebalanceCoolDown,
                        autoRebalanceAbs,
                        autoRebalanceRel,
                        DispatcherOptions.DEFAULT_AUTO_REBALANCE_STOP_FACTOR,
                        autoRebalanceRate))
            .autoRebalanceBy(AutoRebalanceBy.parse(autoRebalanceBy))
            .autoRebalanceLoadSpread(autoRebalanceLoadSpread)
            .parking(parking.settings())
            .build();
    Dispatcher dispatcher = Dispatcher.start(options);
    if (routingFile != null) {
      reloadOnHangup(dispatcher);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  dispatcher.close();
                  stopped.countDown();
                },
                "shutdown"));
    LOG.info(
        "dispatcher ready: devices on port {}, probes on port {}, admin on port {}",
        dispatcher.devicePort(),
        dispatcher.probePort(),
        dispatcher.adminPort());
    stopped.await();
    return 0;
  }

  /** SIGHUP reloads the routing file, as daemons do with their configuration. */
  @SuppressWarnings("sunapi")
  @SuppressForbidden(
      reason =
          "the JDK has no public API for SIGHUP; sun.misc.Signal is the supported way (jdk.unsupported)")
  private static void reloadOnHangup(Dispatcher dispatcher) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            LOG.info("SIGHUP: reloading the routing file");
            dispatcher.reloadRouting();
          });
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "SIGHUP cannot be handled on this platform ({}); the routing file is still reloaded when it changes",
          e.getMessage());
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("ctl")) {
      // A separate command line: the server's required options do not apply to ctl.
      System.exit(
          CtlCommand.commandLine().execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling ({@link CommandLines}). */
  static CommandLine commandLine() {
    return CommandLines.create(new DispatcherMain(), "dispatcher");
  }
}

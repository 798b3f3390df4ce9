package io.mqttdispatcher.loadgen.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.embedded.EmbeddedBrokerMain;
import io.mqttdispatcher.embedded.MosquittoBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole local deployment on loopback: {@code n} brokers, a probe beside each reporting that
 * broker process's CPU, and a dispatcher, each a separate process on a free port. {@link #close()}
 * stops every one of them, in reverse order, by its own handle; so does a JVM shutdown (Ctrl-C).
 */
public final class DemoStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoStack.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ChildProcess> processes = new ArrayList<>();
  private @Nullable Path probeArchive;
  private final List<HostPort> brokers = new ArrayList<>();
  private final List<BrokerHost> hosts = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::interrupted, "demo-stop");
  private final List<HostPort> dispatchers = new ArrayList<>();
  private final List<HostPort> admins = new ArrayList<>();
  private final List<Integer> probePorts = new ArrayList<>();
  private final List<Long> dispatcherPids = new ArrayList<>();
  private final Set<Integer> portsGiven = new HashSet<>();
  private Path secret;
  private Path adminToken;
  private BrokerKind kind;
  private Jars jars;
  private int groups = 1;

  @SuppressWarnings("NullAway.Init") // the stack's parts are set by its start, before any use
  private DemoStack() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the stack and waits until the dispatcher can use every broker.
   *
   * @param jars folder layout to find {@code dispatcher.jar}, {@code probe.jar} and {@code
   *     loadgen.jar}
   * @param kind which broker to run
   * @param count how many brokers
   * @param work folder for configs, secrets and logs
   */
  public static DemoStack start(Jars jars, BrokerKind kind, int count, Path work) throws Exception {
    return start(jars, kind, count, 1, work);
  }

  /**
   * Starts the stack with the brokers split into {@code groups} groups {@code g1..gN} of
   * consecutive brokers, and, when there is more than one, a routing file that sends client ids
   * starting with {@link #tenantPrefix tK-} to group {@code gK}.
   */
  public static DemoStack start(Jars jars, BrokerKind kind, int count, int groups, Path work)
      throws Exception {
    return start(jars, kind, count, groups, work, List.of());
  }

  /**
   * Starts the stack as {@link #start(Jars, BrokerKind, int, int, Path)} does, the dispatcher with
   * {@code dispatcherArgs} added to its command line (e.g. automatic mode's options).
   */
  public static DemoStack start(
      Jars jars, BrokerKind kind, int count, int groups, Path work, List<String> dispatcherArgs)
      throws Exception {
    return start(jars, kind, new Layout(count, groups, 1, count), work, dispatcherArgs);
  }

  /**
   * Starts the stack as {@code layout} says: its brokers, the probes of the first {@code
   * layout.probesAtStart()} of them (the others join later with {@link #startProbe}), and its
   * dispatcher replicas, each probe reporting to every replica and each replica started with {@code
   * dispatcherArgs} added to its command line.
   */
  public static DemoStack start(
      Jars jars, BrokerKind kind, Layout layout, Path work, List<String> dispatcherArgs)
      throws Exception {
    int count = layout.brokers();
    int groups = layout.groups();
    if (groups < 1 || groups > count) {
      throw new IllegalArgumentException(
          "--groups must be within 1.."
              + count
              + " (one broker at least per group), got "
              + groups);
    }
    DemoStack stack = new DemoStack();
    try {
      stack.launch(jars, kind, layout, work, dispatcherArgs);
      return stack;
    } catch (Exception e) {
      try {
        stack.close();
      } catch (IllegalStateException leak) {
        e.addSuppressed(leak);
      }
      throw e;
    }
  }

  /** The client id prefix of tenant {@code k} (1-based), routed to group {@code gk}. */
  public static String tenantPrefix(int k) {
    return "t" + k + "-";
  }

  /** The group of broker {@code i} (0-based) of {@code count} split into {@code groups} groups. */
  public static String groupOf(int i, int count, int groups) {
    return "g" + (i * groups / count + 1);
  }

  private static Path writeRoutes(Path file, int groups) throws IOException {
    StringBuilder yaml =
        new StringBuilder("# Written by loadgen demo: tenant tK- goes to group gK.\nrules:\n");
    for (int k = 1; k <= groups; k++) {
      yaml.append("  - {name: tenant-")
          .append(k)
          .append(", match: {clientId: {prefix: \"")
          .append(tenantPrefix(k))
          .append("\"}}, group: g")
          .append(k)
          .append("}\n");
    }
    Files.writeString(file, yaml.toString());
    return file;
  }

  private void launch(
      Jars jars, BrokerKind kind, Layout layout, Path work, List<String> dispatcherArgs)
      throws Exception {
    int count = layout.brokers();
    this.kind = kind;
    this.jars = jars;
    this.groups = layout.groups();
    Path logs = Files.createDirectories(work.resolve("logs"));
    probeArchive = work.resolve("probe.jsa");
    secret = writeSecret(work.resolve("probe.secret"));
    adminToken = writeSecret(work.resolve("admin.token"));
    for (int i = 1; i <= count; i++) {
      int port = freePort();
      int metricsPort = freePort();
      BrokerHost host =
          new BrokerHost(
              i, port, metricsPort, brokerCommand(kind, jars, i, port, metricsPort, work), logs);
      hosts.add(host);
      brokers.add(new HostPort("127.0.0.1", port));
      startBrokers(List.of(i - 1));
    }
    for (int r = 1; r <= layout.dispatchers(); r++) {
      HostPort devices = new HostPort("127.0.0.1", freePort());
      int probePort = freePort();
      HostPort admin = new HostPort("127.0.0.1", freePort());
      List<String> dispatcherCommand =
          new ArrayList<>(
              List.of(
                  java(),
                  "-jar",
                  jars.dispatcher().toString(),
                  "--listen",
                  devices.toString(),
                  "--probe-listen",
                  "127.0.0.1:" + probePort,
                  "--admin-listen",
                  admin.toString(),
                  "--probe-secret-file",
                  secret.toString(),
                  "--admin-token-file",
                  adminToken.toString(),
                  "--allow",
                  "127.0.0.1"));
      if (groups > 1) {
        dispatcherCommand.addAll(
            List.of("--routing-file", writeRoutes(work.resolve("routes.yaml"), groups).toString()));
      }
      dispatcherCommand.addAll(dispatcherArgs);
      String name = layout.dispatchers() == 1 ? "dispatcher" : "dispatcher-" + r;
      ChildProcess d = start(name, dispatcherCommand, logs.resolve(name + ".log"), false);
      awaitListening(d, admin.port(), Duration.ofSeconds(30));
      dispatcherPids.add(d.pid());
      dispatchers.add(devices);
      admins.add(admin);
      probePorts.add(probePort);
    }
    for (int i = 0; i < layout.probesAtStart(); i++) {
      startProbe(i);
    }
    awaitUsable(
        layout.probesAtStart(),
        Duration.ofSeconds(90)); // generous: probe JVMs start slowly on a busy machine
    if (layout.probesAtStart() > 0) {
      writeProbeArchive(hosts.get(0));
    }
    LOG.debug(
        "stack up: {} {} broker(s) {}, dispatchers {}, admin {} (logs in {})",
        count,
        kind == BrokerKind.MOSQUITTO ? "Mosquitto" : "HiveMQ CE",
        brokers,
        dispatchers,
        admins,
        logs);
  }

  /**
   * The command of broker {@code i}: Mosquitto with {@code $SYS} every second, or HiveMQ CE serving
   * its metrics on {@code metricsPort} (its probe reads them there).
   */
  private static List<String> brokerCommand(
      BrokerKind kind, Jars jars, int i, int port, int metricsPort, Path work) throws IOException {
    Path dir = Files.createDirectories(work.resolve("broker-" + i));
    if (kind == BrokerKind.MOSQUITTO) {
      Path conf = dir.resolve("mosquitto.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "listener " + port + " 127.0.0.1",
              "allow_anonymous true",
              "persistence false",
              "sys_interval 1",
              "log_dest stderr",
              "log_type error",
              ""));
      String binary =
          BrokerKind.mosquittoBinary()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "mosquitto is not installed: "
                              + MosquittoBinary.howToInstall()
                              + ", or use --broker hivemq"));
      return List.of(binary, "-c", conf.toString());
    }
    return List.of(
        java(),
        "-Xmx512m",
        "-cp",
        jars.loadgen().toString(),
        EmbeddedBrokerMain.class.getName(),
        String.valueOf(port),
        dir.toString(),
        String.valueOf(metricsPort));
  }

  /**
   * Starts brokers {@code indexes} (0-based) on their ports, all at once as after a power cut,
   * again after {@link #killBrokers}, and waits until each accepts connections. Their probes keep
   * the pid they were started with: restart the probes too ({@link #killProbes}, {@link
   * #startProbe}) for them to sample the new processes.
   */
  public void startBrokers(List<Integer> indexes) throws IOException, InterruptedException {
    List<BrokerHost> starting = indexes.stream().map(hosts::get).toList();
    List<ChildProcess> started = new ArrayList<>();
    for (BrokerHost host : starting) {
      ChildProcess previous = host.broker;
      if (previous != null && previous.isAlive()) {
        throw new IllegalStateException("broker-" + host.number + " is already running");
      }
      ChildProcess broker =
          start(
              "broker-" + host.number,
              host.command,
              host.logs.resolve("broker-" + host.number + ".log"),
              previous != null);
      host.broker = broker;
      started.add(broker);
    }
    for (int i = 0; i < starting.size(); i++) {
      awaitListening(started.get(i), starting.get(i).port, Duration.ofSeconds(60));
    }
  }

  /**
   * SIGKILL to brokers {@code indexes} (0-based), all signalled before any exit is awaited: their
   * clients see their connections closed at once, nothing is saved.
   */
  public void killBrokers(List<Integer> indexes) {
    kill(indexes.stream().map(i -> hosts.get(i).broker).toList());
  }

  /**
   * A probe started after the first one reads the class-data archive the first one wrote: a JVM
   * that maps its classes instead of loading them reports about a second sooner (measured with
   * {@code loadgen/bench/probe-start.sh}), and after a power cut the probes' start is what the
   * fleet waits for.
   */
  private String cdsOption() {
    Path archive = probeArchive;
    return archive != null && Files.isRegularFile(archive)
        ? "-XX:SharedArchiveFile=" + archive
        : "-XX:+RecordDynamicDumpInfo";
  }

  /** Has the running probe of {@code host} write the class-data archive the next probes read. */
  private void writeProbeArchive(BrokerHost host) {
    Path archive = probeArchive;
    ChildProcess probe = host.probe;
    if (archive == null || probe == null || Files.exists(archive)) {
      return;
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      LOG.debug("no jcmd in {}: probes start without a class-data archive", jcmd.getParent());
      return;
    }
    try {
      Process dump =
          new ProcessBuilder(
                  jcmd.toString(),
                  String.valueOf(probe.pid()),
                  "VM.cds",
                  "dynamic_dump",
                  archive.toString())
              .redirectErrorStream(true)
              .redirectOutput(host.logs.resolve("probe-cds.log").toFile())
              .start();
      if (!dump.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        dump.destroyForcibly();
        LOG.debug("jcmd did not write the probe's class-data archive within 60 s");
      }
    } catch (IOException e) {
      LOG.debug("cannot write the probe's class-data archive: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the probe beside broker {@code index} (0-based), sampling the broker process running
   * now.
   */
  public void startProbe(int index) throws IOException {
    BrokerHost host = hosts.get(index);
    ChildProcess broker = host.broker;
    if (broker == null || !broker.isAlive()) {
      throw new IllegalStateException(
          "broker-" + host.number + " is not running: start it before its probe");
    }
    ChildProcess previous = host.probe;
    if (previous != null && previous.isAlive()) {
      throw new IllegalStateException("the probe of broker-" + host.number + " is already running");
    }
    // The probe's recommended JVM options: it samples once a second, so C1 and a serial GC suffice.
    List<String> probe =
        new ArrayList<>(
            List.of(
                java(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-Xmx64m",
                cdsOption(),
                "-jar",
                jars.probe().toString(),
                "--broker-id",
                "broker-" + host.number,
                "--endpoint",
                "mqtt=" + brokers.get(index),
                "--secret-file",
                secret.toString(),
                "--pid",
                String.valueOf(broker.pid())));
    for (int port : probePorts) {
      probe.addAll(List.of("--dispatcher", "127.0.0.1:" + port));
    }
    if (groups > 1) {
      probe.addAll(List.of("--group", groupOf(index, hosts.size(), groups)));
    }
    if (kind == BrokerKind.MOSQUITTO) {
      probe.addAll(
          List.of("--broker-cores", "1")); // single-threaded: its load is utilisation of one core
    }
    if (kind == BrokerKind.HIVEMQ) {
      // HiveMQ CE publishes no $SYS tree: connections and message rate from its metrics endpoint.
      probe.addAll(
          List.of(
              "--metrics-url",
              "http://127.0.0.1:" + host.metricsPort + "/metrics",
              "--metrics-format",
              "hivemq"));
    }
    host.probe =
        start(
            "probe-" + host.number,
            probe,
            host.logs.resolve("probe-" + host.number + ".log"),
            previous != null);
  }

  /**
   * SIGKILL to the probes beside brokers {@code indexes} (0-based): every dispatcher sees their
   * report connections close.
   */
  public void killProbes(List<Integer> indexes) {
    kill(indexes.stream().map(i -> hosts.get(i).probe).toList());
  }

  private static void kill(List<@Nullable ChildProcess> processes) {
    List<ChildProcess> running = processes.stream().filter(p -> p != null && p.isAlive()).toList();
    running.forEach(ChildProcess::signalKill);
    running.forEach(ChildProcess::awaitKilled);
  }

  private synchronized ChildProcess start(
      String name, List<String> command, Path log, boolean append) throws IOException {
    ChildProcess p = ChildProcess.start(name, command, log, append);
    processes.add(p);
    return p;
  }

  public List<HostPort> brokers() {
    return List.copyOf(brokers);
  }

  /** The process id of each broker running now (a restarted broker has a new one). */
  public List<Long> brokerPids() {
    return hosts.stream().map(h -> h.broker == null ? -1L : h.broker.pid()).toList();
  }

  public BrokerKind kind() {
    return kind;
  }

  /** The first (or only) dispatcher replica's device listener. */
  public HostPort dispatcher() {
    return dispatchers.get(0);
  }

  /** The first (or only) dispatcher replica's process id, for its CPU time. */
  public long dispatcherPid() {
    return dispatcherPids.get(0);
  }

  /** The first (or only) dispatcher replica's admin API. */
  public HostPort admin() {
    return admins.get(0);
  }

  /** Every dispatcher replica's device listener, in order. */
  public List<HostPort> dispatchers() {
    return List.copyOf(dispatchers);
  }

  /** Every dispatcher replica's admin API, in the order of {@link #dispatchers()}. */
  public List<HostPort> admins() {
    return List.copyOf(admins);
  }

  /** The bearer token every replica's admin API takes for changes (drain, rebalance, ...). */
  public byte[] adminToken() throws IOException {
    return Files.readString(adminToken).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Processes still running, for checks after {@link #close()}. */
  List<ChildProcess> processes() {
    return List.copyOf(processes);
  }

  /**
   * Stops every process, then fails if one of them logged a Netty buffer leak: a leak is a bug, and
   * a test that runs a stack must not pass with one left in a log.
   *
   * @throws IllegalStateException naming the process, its log and the leak line
   */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or ran
    }
    for (ChildProcess p : processes) {
      Optional<String> leak = p.leakReport();
      if (leak.isPresent()) {
        throw new IllegalStateException(
            p.name() + " reported a Netty buffer leak (see " + p.log() + "): " + leak.get());
      }
    }
  }

  /** Ctrl-C or a signal: say so, then stop what was started. */
  private void interrupted() {
    if (processes.stream().anyMatch(ChildProcess::isAlive)) {
      LOG.warn("interrupted: stopping the brokers, probes and dispatcher the demo started");
    }
    stopAll();
  }

  private synchronized void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      ChildProcess p = processes.get(i);
      if (p.isAlive()) {
        p.close();
      }
    }
  }

  /** Waits until every dispatcher replica reports exactly {@code count} usable brokers. */
  public void awaitUsable(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (HostPort admin : admins) {
      awaitUsable(admin, count, deadline, timeout);
    }
  }

  private void awaitUsable(HostPort admin, int count, long deadline, Duration timeout)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + admin + "/brokers"))
            .timeout(Duration.ofSeconds(5))
            .build();
    String last = "";
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        last = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (JSON.readTree(last).path("usable").asInt(-1) == count) {
          return;
        }
      } catch (IOException e) { // also a body that is not JSON
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "the dispatcher "
            + admin
            + " did not see "
            + count
            + " usable brokers within "
            + timeout.toSeconds()
            + " s; last answer: "
            + last);
  }

  private void awaitListening(ChildProcess p, int port, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      checkAlive();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        p.name()
            + " did not listen on port "
            + port
            + " within "
            + timeout.toSeconds()
            + " s; see "
            + p.log());
  }

  /**
   * Every process that should run does: the dispatcher, and each broker and probe not killed on
   * purpose.
   */
  private synchronized void checkAlive() {
    for (ChildProcess p : processes) {
      if (!p.isAlive() && !p.killed()) {
        throw new IllegalStateException(p.name() + " exited; see " + p.log());
      }
    }
  }

  private static Path writeSecret(Path file) throws IOException {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n");
    return file;
  }

  /**
   * A loopback port free now and not handed out before by this stack: a port is closed again once
   * chosen, and the kernel may offer it to the next request (a dispatcher once got the same port
   * for devices and probes, and could not start).
   */
  private int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (portsGiven.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port not already given out in 100 tries");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * One broker's machine: the broker and the probe beside it, each restartable with the same
   * settings.
   */
  private static final class BrokerHost {
    final int number;
    final int port;
    final int metricsPort;
    final List<String> command;
    final Path logs;
    @Nullable ChildProcess broker;
    @Nullable ChildProcess probe;

    BrokerHost(int number, int port, int metricsPort, List<String> command, Path logs) {
      this.number = number;
      this.port = port;
      this.metricsPort = metricsPort;
      this.command = command;
      this.logs = logs;
    }
  }

  /**
   * The stack's shape.
   *
   * @param brokers how many brokers
   * @param groups broker groups (see {@link #start(Jars, BrokerKind, int, int, Path)})
   * @param dispatchers dispatcher replicas; every probe reports to each
   * @param probesAtStart the first this many brokers get their probe at the start, so the
   *     dispatchers use them; the others join when their probe starts
   */
  public record Layout(int brokers, int groups, int dispatchers, int probesAtStart) {
    public Layout {
      if (dispatchers < 1 || dispatchers > 8) {
        throw new IllegalArgumentException(
            "dispatcher replicas must be within 1..8, got " + dispatchers);
      }
      if (probesAtStart < 0 || probesAtStart > brokers) {
        throw new IllegalArgumentException(
            "probes at the start must be within 0.." + brokers + ", got " + probesAtStart);
      }
    }
  }

  /**
   * Where the runnable jars are.
   *
   * @param dispatcher {@code dispatcher/target/dispatcher.jar}
   * @param probe {@code probe/target/probe.jar}
   * @param loadgen {@code loadgen/target/loadgen.jar}
   */
  public record Jars(Path dispatcher, Path probe, Path loadgen) {
    /** The jars of the checkout {@code root}, each checked to exist. */
    public static Jars in(Path root) {
      Jars jars =
          new Jars(
              root.resolve("dispatcher/target/dispatcher.jar"),
              root.resolve("probe/target/probe.jar"),
              root.resolve("loadgen/target/loadgen.jar"));
      for (Path p : List.of(jars.dispatcher, jars.probe, jars.loadgen)) {
        if (!Files.isRegularFile(p)) {
          throw new IllegalArgumentException(
              p + " is missing: build with 'mvn -B -q package -DskipTests' (deploy/demo.sh does)");
        }
      }
      return jars;
    }
  }
}

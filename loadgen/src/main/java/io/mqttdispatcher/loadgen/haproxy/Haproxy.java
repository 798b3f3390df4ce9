package io.mqttdispatcher.loadgen.haproxy;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.embedded.InstalledBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HAProxy process the loadgen started in front of the brokers, in a temporary folder of its own
 * (configuration, statistics socket, log). {@link #close()} stops it by its own handle and removes
 * the folder.
 */
public final class Haproxy implements AutoCloseable {
  /** The haproxy executable: named by {@code HAPROXY}, else the first on the PATH. */
  public static final InstalledBinary BINARY = new InstalledBinary("haproxy", "HAPROXY", "haproxy");

  /** The proxy section devices connect through, as named in {@link HaproxyConfig}. */
  static final String PROXY = "mqtt";

  private static final Logger LOG = LoggerFactory.getLogger(Haproxy.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final HaproxyConfig config;
  private final Path dir;

  private Haproxy(Process process, HaproxyConfig config, Path dir) {
    this.process = process;
    this.config = config;
    this.dir = dir;
  }

  /**
   * Starts {@code binary} in front of {@code brokers} on a free loopback port and waits until it
   * accepts devices and its health checks see every broker up.
   */
  public static Haproxy start(Path binary, List<HostPort> brokers)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("loadgen-haproxy");
    HaproxyConfig config =
        new HaproxyConfig(
            new HostPort("127.0.0.1", freePort()), brokers, dir.resolve("stats.sock"));
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), config.render());
    Path log = dir.resolve("haproxy.log");
    // -db: stay in the foreground, one process, so this handle is HAProxy itself.
    Process process =
        new ProcessBuilder(binary.toString(), "-db", "-f", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Haproxy haproxy = new Haproxy(process, config, dir);
    try {
      haproxy.awaitReady();
    } catch (IOException | RuntimeException | InterruptedException e) {
      haproxy.close();
      throw e;
    }
    LOG.info(
        "haproxy (pid {}) on {} in front of {}, at most {} connections",
        process.pid(),
        config.listen(),
        brokers,
        haproxy.maxConnections());
    return haproxy;
  }

  /** Where devices connect. */
  public HostPort address() {
    return config.listen();
  }

  /** The brokers behind it, in the order of its servers. */
  public List<HostPort> brokers() {
    return config.brokers();
  }

  public long pid() {
    return process.pid();
  }

  /** Every broker's statistics, in the order of {@link #brokers()}. */
  public List<ServerStats> servers() throws IOException {
    List<ServerStats> servers = ServerStats.parse(command("show stat"), PROXY);
    if (servers.size() != config.brokers().size()) {
      throw new IOException(
          "haproxy lists " + servers.size() + " servers, expected " + config.brokers().size());
    }
    return servers;
  }

  /**
   * Connects HAProxy made to a broker that failed, were retried or were sent to another broker,
   * over every broker so far: on loopback, its attempts on a dead broker (see {@link ServerStats}).
   */
  public long deadConnects() throws IOException {
    return servers().stream().mapToLong(ServerStats::deadConnects).sum();
  }

  /** The most connections HAProxy takes at once, from {@code show info} ({@code Maxconn}). */
  public long maxConnections() throws IOException {
    for (String line : command("show info").split("\n")) {
      if (line.startsWith("Maxconn: ")) {
        return Long.parseLong(line.substring("Maxconn: ".length()).strip());
      }
    }
    throw new IOException("haproxy's 'show info' has no Maxconn line");
  }

  /** One command on the statistics socket; its whole answer. */
  private String command(String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(config.statsSocket()));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      StringBuilder answer = new StringBuilder();
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        answer.append(StandardCharsets.US_ASCII.decode(buffer));
        buffer.clear();
      }
      return answer.toString();
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "not started";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "haproxy exited with " + process.exitValue() + " at start: " + logTail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(config.listen().host(), config.listen().port()), 200);
        List<ServerStats> servers = servers();
        if (servers.stream().allMatch(v -> v.status().startsWith("UP"))) {
          return;
        }
        last = "servers " + servers.stream().map(v -> v.name() + " " + v.status()).toList();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "haproxy was not ready within "
            + START_TIMEOUT.toSeconds()
            + " s (every broker up behind "
            + config.listen()
            + "): "
            + last
            + "; its log: "
            + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("haproxy.log"), StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The CPU time HAProxy used so far, all its threads; empty when the system does not tell. */
  public Optional<Duration> cpuTime() {
    return process.toHandle().info().totalCpuDuration();
  }

  /** SIGTERM, then SIGKILL after five seconds; then the folder goes. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove haproxy's folder {}: {}", dir, e.toString());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.mqttdispatcher.testing;

import io.mqttdispatcher.embedded.EmbeddedBrokerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HiveMQ CE ({@link EmbeddedBrokerMain}) in a JVM of its own on a free loopback port: the tests'
 * broker where neither the mosquitto binary nor a Docker engine is there. A process of its own, so
 * it has its own pid and CPU and can be killed like Mosquitto. It has no {@code $SYS} tree; it
 * serves its connection count and message counters as Prometheus text at {@link #metricsUrl()}
 * instead, for a probe's {@code --metrics-url}.
 */
public final class HiveMqBroker extends BrokerProcess {
  /** HiveMQ CE takes a few seconds to start, more on a loaded machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Where in the log this start's lines begin: a restart appends, and must log a new ready line.
   */
  private long logFrom;

  private final int metricsPort;

  private HiveMqBroker(int port, int metricsPort, Path dir) {
    super(port, dir, Duration.ofSeconds(10));
    this.metricsPort = metricsPort;
  }

  /**
   * Ports found free can be taken before the broker binds them: this many tries, fresh ports each.
   */
  private static final int START_TRIES = 3;

  public static HiveMqBroker start() {
    for (int tried = 1; ; tried++) {
      try {
        int port = FreePort.find();
        int metricsPort = FreePort.find();
        while (metricsPort == port) {
          metricsPort = FreePort.find();
        }
        HiveMqBroker b = new HiveMqBroker(port, metricsPort, Files.createTempDirectory("hivemq"));
        b.launch();
        return b;
      } catch (PortTakenException e) {
        if (tried == START_TRIES) {
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The broker exited because one of its ports was taken meanwhile. */
  static final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
      super(message);
    }
  }

  @Override
  Process startProcess() throws IOException {
    logFrom = Files.exists(log()) ? Files.size(log()) : 0;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedBrokerMain.class.getName(),
                String.valueOf(port()),
                dir().resolve("broker").toString(),
                String.valueOf(metricsPort)))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
        .start();
  }

  /**
   * Waits for the ready line: HiveMQ may accept TCP before its allow-all authenticator is in place.
   */
  @Override
  void awaitReady(Process started) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log())
          .substring((int) logFrom)
          .contains("broker listening on 127.0.0.1:" + port())) {
        return;
      }
      if (!started.isAlive()) {
        String message = "HiveMQ CE exited with " + started.exitValue() + "; log in " + log();
        throw started.exitValue() == EmbeddedBrokerMain.EXIT_PORT_TAKEN
            ? new PortTakenException(message)
            : new IllegalStateException(message);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "HiveMQ CE was not ready on port "
            + port()
            + " within "
            + START_TIMEOUT
            + "; log in "
            + log());
  }

  private Path log() {
    return dir().resolve("hivemq.log");
  }

  @Override
  public boolean hasSysTree() {
    return false;
  }

  /** Its metrics as Prometheus text, under the HiveMQ Prometheus extension's names. */
  @Override
  public java.util.Optional<java.net.URI> metricsUrl() {
    return java.util.Optional.of(
        java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
  }

  @Override
  public String toString() {
    return "HiveMQ CE on " + endpoint();
  }
}

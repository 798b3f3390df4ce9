package io.mqttdispatcher.testing;

import io.mqttdispatcher.embedded.EmbeddedBrokerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE ({@link EmbeddedBrokerMain}) in a JVM of its own on a free loopback port: the tests'
 * broker where neither the mosquitto binary nor a Docker engine is there. A process of its own, so
 * it has its own pid and CPU and can be killed like Mosquitto. It has no {@code $SYS} tree.
 */
public final class HiveMqBroker implements TestBroker {
  /** HiveMQ CE takes a few seconds to start, more on a loaded machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final int port;
  private final Path dir;
  private Process process;

  private HiveMqBroker(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static HiveMqBroker start() {
    try {
      HiveMqBroker b = new HiveMqBroker(FreePort.find(), Files.createTempDirectory("hivemq"));
      b.launch();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    Path log = dir.resolve("hivemq.log");
    long logged =
        Files.exists(log) ? Files.size(log) : 0; // a restart appends: wait for a new ready line
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmbeddedBrokerMain.class.getName(),
                    String.valueOf(port),
                    dir.resolve("broker").toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("hivemq.log").toFile()))
            .start();
    try {
      awaitReady(log, logged);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly(); // a broker that never got ready is not left behind
      throw e;
    }
  }

  /**
   * Waits for the ready line: HiveMQ may accept TCP before its allow-all authenticator is in place.
   */
  private void awaitReady(Path log, long from) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log)
          .substring((int) from)
          .contains("broker listening on 127.0.0.1:" + port)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "HiveMQ CE exited with " + process.exitValue() + "; log in " + log);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "HiveMQ CE was not ready on port " + port + " within " + START_TIMEOUT + "; log in " + log);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public boolean hasSysTree() {
    return false;
  }

  @Override
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  @Override
  public void restart() {
    kill();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    waitFor();
  }

  private void waitFor() {
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "HiveMQ CE on " + endpoint();
  }
}

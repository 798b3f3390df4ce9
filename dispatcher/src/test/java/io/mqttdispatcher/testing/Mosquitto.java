package io.mqttdispatcher.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker, started by a test on a free loopback port as a child process and stopped
 * by its own handle. Tests take it through {@link TestBroker}, which uses it when the {@code
 * mosquitto} binary is on the PATH ({@code .ci/run} installs it).
 */
public final class Mosquitto implements TestBroker {
  private final int port;
  private final Path dir;
  private Process process;

  private Mosquitto(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /**
   * Starts a broker with {@code sys_interval 1} on a free port and waits until it accepts
   * connections.
   */
  public static Mosquitto start() {
    try {
      Mosquitto m = new Mosquitto(FreePort.find(), Files.createTempDirectory("mosquitto"));
      m.launch();
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the mosquitto executable is on the PATH. */
  public static boolean installed() {
    return find().isPresent();
  }

  /** The mosquitto executable, or an error telling how to install it. */
  public static String binary() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "this test needs a real Mosquitto broker and none is installed: run 'apt-get install -y mosquitto' (.ci/run does)"));
  }

  private static Optional<String> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, "mosquitto");
      if (!dir.isEmpty() && f.canExecute()) {
        return Optional.of(f.getAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private void launch() throws IOException {
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
            "max_keepalive 65535",
            ""));
    process =
        new ProcessBuilder(binary(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    try {
      Listening.await(
          port, Duration.ofSeconds(10), process, dir.resolve("mosquitto.log").toString());
    } catch (RuntimeException e) {
      process.destroyForcibly(); // a broker that never listened is not left behind
      throw e;
    }
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
    return true;
  }

  /** Kills the broker at once (SIGKILL), as a crash would. */
  @Override
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** Starts the broker again on the same port. */
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
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
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
    return "Mosquitto on " + endpoint();
  }
}

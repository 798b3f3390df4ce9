package io.mqttdispatcher.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker, started by a test on a free loopback port as a child process and
 * stopped by its own handle. Fails loudly when the {@code mosquitto} binary is not installed:
 * {@code .ci/run} installs it.
 */
public final class Mosquitto implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;

  private Mosquitto(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts a broker with {@code sys_interval 1} on a free port and waits until it accepts connections. */
  public static Mosquitto start() {
    try {
      Mosquitto m = new Mosquitto(FreePort.find(), Files.createTempDirectory("mosquitto"));
      m.launch();
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mosquitto executable, or an error telling how to install it. */
  public static String binary() {
    for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "this test needs a real Mosquitto broker and none is installed: run 'apt-get install -y mosquitto' (.ci/run does)");
  }

  private void launch() throws IOException {
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(conf, String.join("\n",
        "listener " + port + " 127.0.0.1",
        "allow_anonymous true",
        "persistence false",
        "sys_interval 1",
        "log_dest stderr",
        "log_type error",
        "max_keepalive 65535",
        ""));
    process = new ProcessBuilder(binary(), "-c", conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("mosquitto.log").toFile())
        .start();
    awaitListening(Duration.ofSeconds(10));
  }

  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mosquitto exited with " + process.exitValue() + "; log in " + dir.resolve("mosquitto.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not listen on port " + port + " within " + timeout);
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}, the endpoint a probe advertises. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Kills the broker at once (SIGKILL), as a crash would. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** Starts the broker again on the same port. */
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.mqttdispatcher.testing;

import io.mqttdispatcher.embedded.MosquittoBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Mosquitto broker, started by a test on a free loopback port as a child process and stopped
 * by its own handle. Tests take it through {@link TestBroker}, which uses it when {@link
 * MosquittoBinary} finds the {@code mosquitto} binary (named by {@code MOSQUITTO}, else on the
 * PATH; {@code .ci/run} installs it).
 */
public final class Mosquitto extends BrokerProcess {
  /**
   * The tests' Mosquitto configuration below the listener line: {@code $SYS} every second, errors
   * only in the log. {@link MosquittoContainer} runs the same.
   */
  static final List<String> SETTINGS =
      List.of(
          "allow_anonymous true",
          "persistence false",
          "sys_interval 1",
          "log_dest stderr",
          "log_type error",
          "max_keepalive 65535");

  private Mosquitto(int port, Path dir) {
    super(port, dir, Duration.ofSeconds(5));
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

  /** Whether the mosquitto executable is there ({@link MosquittoBinary}). */
  public static boolean installed() {
    return MosquittoBinary.find().isPresent();
  }

  /** The mosquitto executable, or an error telling how to install it. */
  public static String binary() {
    return MosquittoBinary.find()
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "this test needs a real Mosquitto broker and none is installed: "
                        + MosquittoBinary.howToInstall()
                        + " (.ci/run installs it)"));
  }

  /** The configuration file's text for a listener on {@code listener} ({@code port [address]}). */
  static String configuration(String listener) {
    return "listener " + listener + "\n" + String.join("\n", SETTINGS) + "\n";
  }

  @Override
  Process startProcess() throws IOException {
    Path conf = dir().resolve("mosquitto.conf");
    Files.writeString(conf, configuration(port() + " 127.0.0.1"));
    return new ProcessBuilder(binary(), "-c", conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(log().toFile())
        .start();
  }

  @Override
  void awaitReady(Process started) {
    Listening.await(port(), Duration.ofSeconds(10), started, log().toString());
  }

  private Path log() {
    return dir().resolve("mosquitto.log");
  }

  @Override
  public boolean hasSysTree() {
    return true;
  }

  @Override
  public String toString() {
    return "Mosquitto on " + endpoint();
  }
}

package io.mqttdispatcher.testing;

import io.mqttdispatcher.embedded.MosquittoBinary;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * A real MQTT broker for one test, on a free loopback port, stopped by its own handle. {@link
 * #start()} takes what the machine has: the {@code mosquitto} binary (named by {@code MOSQUITTO},
 * else on the PATH: {@link MosquittoBinary}), else Mosquitto in a container where a Docker engine
 * runs, else HiveMQ CE in a JVM of its own. So the tests pass on a machine with nothing but Java
 * and Maven. A test that needs Mosquitto's own behaviour calls {@link #startMosquitto(String)}
 * instead, which skips the test, loudly, where neither Mosquitto is there.
 */
public interface TestBroker extends AutoCloseable {
  /** A broker of whatever kind this machine can run. */
  static TestBroker start() {
    if (Mosquitto.installed()) {
      return Mosquitto.start();
    }
    if (Docker.available()) {
      return MosquittoContainer.start();
    }
    return HiveMqBroker.start();
  }

  /**
   * A Mosquitto broker (the binary, else a container), or the test is skipped with a message saying
   * so on the console, in the test report and in the log.
   *
   * @param why what the test needs Mosquitto for, e.g. "its $SYS tree"
   */
  static TestBroker startMosquitto(String why) {
    if (Mosquitto.installed()) {
      return Mosquitto.start();
    }
    if (Docker.available()) {
      return MosquittoContainer.start();
    }
    throw skip(
        "this test needs Mosquitto ("
            + why
            + "), and neither the mosquitto binary nor a Docker engine is here");
  }

  /** Skips the test, loudly, unless the mosquitto binary is there ({@link MosquittoBinary}). */
  static void assumeMosquittoBinary(String why) {
    if (!Mosquitto.installed()) {
      throw skip("this test needs the mosquitto binary (" + why + ") and it is not installed");
    }
  }

  /**
   * Skips the test, loudly, unless {@code command} (e.g. {@code mosquitto_sub}) is on the PATH.
   *
   * @return the command's path
   */
  static String assumeOnPath(String command, String why) {
    return MosquittoBinary.onPath(command, System.getenv("PATH"))
        .map(java.nio.file.Path::toString)
        .orElseThrow(
            () -> skip("this test needs " + command + " on the PATH (" + why + ") and it is not"));
  }

  /**
   * Says on the console, in the log and in the test report that the test is skipped and why, then
   * skips it.
   */
  private static AssertionError skip(String reason) {
    String message =
        "SKIPPED: "
            + reason
            + "; install mosquitto and mosquitto-clients (apt-get install -y mosquitto mosquitto-clients) to run it";
    Docker.LOG.warn(message);
    System.err.println("*** " + message + " ***");
    Assumptions.abort(message);
    return new AssertionError("unreachable"); // abort always throws
  }

  /** {@code 127.0.0.1:port}, the endpoint a probe advertises. */
  default String endpoint() {
    return "127.0.0.1:" + port();
  }

  int port();

  /** The broker's process id on this machine, for per-process CPU. */
  long pid();

  boolean isAlive();

  /**
   * Whether the broker publishes a Mosquitto-style {@code $SYS} tree (connections, message rates).
   */
  boolean hasSysTree();

  /**
   * Where the broker serves its metrics as Prometheus text (HiveMQ CE: the HiveMQ Prometheus
   * extension's names), for a probe's {@code --metrics-url}; empty for a broker with a {@code $SYS}
   * tree instead.
   */
  default java.util.Optional<java.net.URI> metricsUrl() {
    return java.util.Optional.empty();
  }

  /** Kills the broker at once, as a crash would. */
  void kill();

  /** Starts the broker again on the same port. */
  void restart();

  @Override
  void close();

  /** Whether a Docker engine answers, asked once. */
  final class Docker {
    static final Logger LOG = LoggerFactory.getLogger(TestBroker.class);
    private static volatile Boolean available;

    private Docker() {}

    static boolean available() {
      Boolean known = available;
      if (known == null) {
        boolean answer;
        try {
          answer = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
          answer = false;
        }
        available = known = answer;
        LOG.info(
            "no mosquitto binary; {}",
            answer
                ? "Docker runs: tests use Mosquitto in a container"
                : "no Docker engine either: tests use HiveMQ CE brokers, each in its own JVM");
      }
      return known;
    }
  }
}

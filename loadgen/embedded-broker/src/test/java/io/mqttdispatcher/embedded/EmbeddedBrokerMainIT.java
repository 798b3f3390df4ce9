package io.mqttdispatcher.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as its own process, the way the tests and the demo start it. */
class EmbeddedBrokerMainIT {
  @Test
  void a_taken_metrics_port_ends_the_process_with_its_own_status(@TempDir Path dir)
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = free.getLocalPort();
      free.close();
      Path log = dir.resolve("broker.log");
      Process broker =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  EmbeddedBrokerMain.class.getName(),
                  String.valueOf(port),
                  dir.resolve("broker").toString(),
                  String.valueOf(taken.getLocalPort()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        // Before, HiveMQ's threads kept the JVM running without its ready line, forever.
        assertThat(broker.waitFor(180, TimeUnit.SECONDS)).as("the broker exited").isTrue();
        assertThat(broker.exitValue()).isEqualTo(EmbeddedBrokerMain.EXIT_PORT_TAKEN);
        assertThat(Files.readString(log))
            .contains("a port is taken (MQTT " + port + ", metrics " + taken.getLocalPort())
            .doesNotContain("broker listening");
      } finally {
        broker.destroyForcibly();
      }
    }
  }
}

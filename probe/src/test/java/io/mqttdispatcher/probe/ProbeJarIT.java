package io.mqttdispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged probe.jar as an operator runs it: a separate process, stopped with SIGTERM. */
@Timeout(60)
class ProbeJarIT {
  private static final Path JAR = Path.of("target/probe.jar");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private TestBroker mosquitto;
  private Dispatcher dispatcher;
  private Process probe;

  @BeforeEach
  void start() throws Exception {
    assertThat(JAR).as("run 'mvn verify', which packages the jar before this test").exists();
    mosquitto = TestBroker.start();
    dispatcher = Dispatcher.start(TestDispatchers.options());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (probe != null && probe.isAlive()) {
      probe.destroyForcibly();
      probe.waitFor(10, TimeUnit.SECONDS);
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @Test
  void broker_appears_in_admin_brokers_and_sigterm_removes_it_at_once() throws Exception {
    // given a probe process beside a broker, sampling the broker's own process
    Path secret = dir.resolve("secret");
    Files.writeString(secret, new String(TestDispatchers.SECRET, StandardCharsets.UTF_8) + "\n");
    Path log = dir.resolve("probe.log");
    probe =
        java(
                "--broker-id",
                "jar-broker",
                "--endpoint",
                "mqtt=" + mosquitto.endpoint(),
                "--dispatcher",
                "127.0.0.1:" + dispatcher.probePort(),
                "--secret-file",
                secret.toString(),
                "--pid",
                Long.toString(mosquitto.pid()))
            .redirectOutput(log.toFile())
            .start();

    // then the dispatcher's GET /brokers shows it, healthy, with its endpoint and $SYS figures
    // (a bound that holds while a loaded machine starts the probe's JVM)
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode body = brokers();
              assertThat(body.get("usable").asInt()).isEqualTo(1);
              JsonNode b = body.get("brokers").get(0);
              assertThat(b.get("id").asText()).isEqualTo("jar-broker");
              assertThat(b.get("healthy").asBoolean()).isTrue();
              assertThat(b.get("endpoints").get("mqtt").asText()).isEqualTo(mosquitto.endpoint());
              assertThat(b.has("connections"))
                  .as("$SYS connections")
                  .isEqualTo(mosquitto.hasSysTree());
              assertThat(b.has("msgRate"))
                  .as("$SYS message rate")
                  .isEqualTo(mosquitto.hasSysTree());
            });

    // when the probe gets SIGTERM
    long termAt = System.nanoTime();
    probe.destroy();

    // then it closes its report connection and the dispatcher forgets the broker at once,
    // long before the 3 s staleness limit would have
    await()
        .atMost(Duration.ofMillis(1500))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> dispatcher.registry().snapshot().brokers().isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - termAt)).isLessThan(Duration.ofMillis(1500));
    assertThat(probe.waitFor(10, TimeUnit.SECONDS)).as("probe exited after SIGTERM").isTrue();
    String output = Files.readString(log);
    assertThat(output)
        .contains("reporting to dispatcher", "closing report connection")
        .doesNotContain(new String(TestDispatchers.SECRET, StandardCharsets.UTF_8))
        .doesNotContain("Exception");
  }

  @Test
  void bad_options_give_one_line_and_exit_code_2() throws Exception {
    Path log = dir.resolve("probe.log");
    Process p =
        java(
                "--endpoint",
                "mqtt=127.0.0.1:1883",
                "--dispatcher",
                "127.0.0.1:7883",
                "--secret-file",
                dir.resolve("missing").toString())
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log).lines())
        .containsExactly(
            "probe: secret file " + dir.resolve("missing") + " does not exist",
            "Try 'probe --help' for the options.");
  }

  @Test
  void help_lists_every_option_with_its_default() throws Exception {
    Path out = dir.resolve("help.txt");
    Process p = java("--help").redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(out))
        .contains(
            "--broker-id",
            "--endpoint",
            "--dispatcher",
            "--secret-file",
            "--interval",
            "(default: 1s)",
            "--pid",
            "--process",
            "--broker-check",
            "--[no-]sys-topics",
            "--capacity",
            "--min-change");
  }

  private ProcessBuilder java(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private JsonNode brokers() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + dispatcher.adminPort() + "/brokers"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }
}

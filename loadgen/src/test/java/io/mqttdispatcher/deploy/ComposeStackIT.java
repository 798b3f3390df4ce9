package io.mqttdispatcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Runs deploy/compose.yaml (dispatcher, three Mosquitto brokers, three probes; not the loadgen
 * service) and checks that a device connecting to the dispatcher is redirected to one of the
 * brokers.
 *
 * <p>Needs a Docker engine with compose and network access to pull eclipse-temurin and
 * eclipse-mosquitto; without an engine it is skipped. Nothing here is covered only here: the
 * dispatcher, probe and loadgen integration tests run the same flow with real processes (real
 * Mosquitto brokers, probes with --process/--pid, a dispatcher, HiveMQ clients following the
 * redirect), and {@link DeployFilesTest} and {@link DeployFilesIT} check this compose file's wiring
 * and options without Docker. What this adds is the images and the compose network itself.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIT {
  private static final Set<String> BROKERS =
      Set.of("broker-1:1883", "broker-2:1883", "broker-3:1883");
  private static ComposeContainer stack;

  @BeforeAll
  static void startStack() throws IOException {
    Path deploy = DeployFiles.deployDir();
    for (String module : new String[] {"dispatcher", "probe"}) {
      Path jar = DeployFiles.repoRoot().resolve(module + "/target/" + module + ".jar");
      assertThat(jar)
          .as("%s is missing: run 'mvn -B -q package -DskipTests' first", jar)
          .isRegularFile();
    }
    // The compose file reads its secrets from deploy/secrets/ (kept out of version control).
    writeSecretIfMissing(deploy.resolve("secrets/probe.secret"));
    writeSecretIfMissing(deploy.resolve("secrets/admin.token"));
    stack =
        new ComposeContainer(deploy.resolve("compose.yaml").toFile())
            .withServices(
                "dispatcher", "broker-1", "broker-2", "broker-3", "probe-1", "probe-2", "probe-3")
            .withBuild(true)
            .withExposedService("dispatcher", 1883)
            // /ready answers 200 once a probe has registered a usable broker.
            .withExposedService(
                "dispatcher",
                8080,
                Wait.forHttp("/ready")
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(5)));
    stack.start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.stop();
    }
  }

  @Test
  void a_device_connecting_to_the_dispatcher_is_redirected_to_a_broker() {
    // given the stack is up and a broker is usable
    Mqtt5BlockingClient device =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("compose-device")
            .serverHost(stack.getServiceHost("dispatcher", 1883))
            .serverPort(stack.getServicePort("dispatcher", 1883))
            .buildBlocking();

    // when it connects
    Mqtt5ConnAckException refused =
        catchThrowableOfType(Mqtt5ConnAckException.class, device::connect);

    // then it is sent to one of the compose brokers, by the name the probes advertise
    assertThat(refused).as("CONNACK refusing with a redirect").isNotNull();
    assertThat(refused.getMqttMessage().getReasonCode())
        .isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
    assertThat(refused.getMqttMessage().getServerReference())
        .map(Object::toString)
        .get()
        .isIn(BROKERS);
  }

  private static void writeSecretIfMissing(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n");
    // The containers run as uid 10001 and read it through a bind mount.
    file.toFile().setReadable(true, false);
  }
}

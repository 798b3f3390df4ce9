package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** MQTT over TLS: a real HiveMQ client over TLS is sent to the broker's mqtts endpoint. */
@ParameterizedClass(name = "--transport {0}")
@EnumSource(
    value = TransportChoice.class,
    names = {"IO_URING", "EPOLL"})
class TlsListenerIT {
  /** Every test runs on each native transport the listener may use. */
  @Parameter TransportChoice transport;

  private SelfSignedCertificate certificate;
  private Dispatcher dispatcher;

  private DispatcherOptions withTls(Path cert, Path key) {
    // a long staleness limit: a TLS handshake on a loaded machine must not outlast the broker's
    // report
    return TestDispatchers.options(
        "--transport=" + transport.optionName(),
        "--stale-after=30s",
        "--tls-listen=127.0.0.1:0",
        "--tls-cert=" + cert,
        "--tls-key=" + key);
  }

  @BeforeEach
  void start() throws Exception {
    certificate = new SelfSignedCertificate("localhost");
    dispatcher =
        Dispatcher.start(
            withTls(certificate.certificate().toPath(), certificate.privateKey().toPath()));
    assertThat(dispatcher.metrics().deviceTransport()).isEqualTo(transport.optionName());
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    certificate.delete();
  }

  private Mqtt5ConnAck askOverTls() throws Exception {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("tls-device")
            .serverHost("127.0.0.1")
            .serverPort(dispatcher.tlsPort())
            .sslConfig()
            .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE)
            .applySslConfig()
            .buildAsync();
    try {
      client.connect().get(5, TimeUnit.SECONDS);
      throw new AssertionError("the dispatcher accepted a TLS device instead of redirecting it");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(Mqtt5ConnAckException.class);
      return ((Mqtt5ConnAckException) e.getCause()).getMqttMessage();
    }
  }

  @Test
  void tls_device_is_sent_to_the_brokers_tls_endpoint() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(
          0.1, true, Map.of(Transport.MQTT, "127.0.0.1:11883", Transport.MQTTS, "127.0.0.1:18883"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !dispatcher.registry().snapshot().brokers().isEmpty());

      Mqtt5ConnAck ack = askOverTls();

      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
      assertThat(ack.getServerReference().map(Object::toString)).contains("127.0.0.1:18883");
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }

  @Test
  void tls_device_gets_server_unavailable_when_no_broker_offers_tls() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.1, "127.0.0.1:11883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !dispatcher.registry().snapshot().brokers().isEmpty());

      assertThat(askOverTls().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    }
  }

  @Test
  void unusable_key_files_are_named_without_their_content(@TempDir Path dir) throws Exception {
    Path cert = certificate.certificate().toPath();
    Path garbage =
        Files.writeString(
            dir.resolve("key.pem"),
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Dispatcher.start(withTls(cert, garbage)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key " + garbage)
        .hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> Dispatcher.start(withTls(cert, dir.resolve("missing.pem"))))
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("does not exist");
  }
}

package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestCertificates;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT over secure WebSocket: a real HiveMQ client over wss://, verifying the dispatcher's
 * certificate against the authority made for the test, is sent to the broker's wss endpoint.
 */
@ParameterizedClass(name = "--transport {0}")
@EnumSource(
    value = TransportChoice.class,
    names = {"IO_URING", "EPOLL"})
class SecureWebSocketListenerIT {
  /** Every test runs on each native transport the listener may use. */
  @Parameter TransportChoice transport;

  /** Long: a TLS handshake on a loaded machine must not outlast the broker's report. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestCertificates ca;
  private Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.authority(dir, "devices");
    TestCertificates.Pem cert = ca.server("localhost");
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                "--stale-after=" + DurationConverter.format(STALE_AFTER),
                "--transport=" + transport.optionName(),
                "--wss-listen=127.0.0.1:0",
                "--ws-path=/mqtt",
                "--tls-cert=" + cert.cert(),
                "--tls-key=" + cert.key()));
    assertThat(dispatcher.metrics().deviceTransport()).isEqualTo(transport.optionName());
  }

  @AfterEach
  void stop() {
    dispatcher.close();
  }

  private TrustManagerFactory trustingTheTestAuthority() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(ca.caCert())) {
      store.setCertificateEntry(
          "ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private Mqtt5ConnAck askOverSecureWebSocket() throws Exception {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("wss-device")
            .serverHost("localhost")
            .serverPort(dispatcher.secureWebSocketPort())
            .sslConfig()
            .trustManagerFactory(trustingTheTestAuthority())
            .applySslConfig()
            .webSocketConfig()
            .serverPath("mqtt")
            .applyWebSocketConfig()
            .buildAsync();
    try {
      client.connect().get(10, TimeUnit.SECONDS);
      throw new AssertionError("the dispatcher accepted a wss device instead of redirecting it");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(Mqtt5ConnAckException.class);
      return ((Mqtt5ConnAckException) e.getCause()).getMqttMessage();
    }
  }

  private void awaitBroker() {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !dispatcher.registry().snapshot().brokers().isEmpty());
  }

  @Test
  void wss_device_is_sent_to_the_brokers_wss_endpoint() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(
          0.1,
          true,
          Map.of(
              Transport.MQTT,
              "127.0.0.1:11883",
              Transport.WS,
              "ws://127.0.0.1:18080/mqtt",
              Transport.WSS,
              "wss://127.0.0.1:18443/mqtt"));
      awaitBroker();

      Mqtt5ConnAck ack = askOverSecureWebSocket();

      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
      assertThat(ack.getServerReference().map(Object::toString))
          .contains("wss://127.0.0.1:18443/mqtt");
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }

  @Test
  void wss_device_gets_server_unavailable_when_no_broker_offers_wss() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(
          0.1,
          true,
          Map.of(Transport.MQTT, "127.0.0.1:11883", Transport.WS, "ws://127.0.0.1:18080/mqtt"));
      awaitBroker();

      assertThat(askOverSecureWebSocket().getReasonCode())
          .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    }
  }

  @Test
  void wss_listener_needs_the_tls_files() {
    assertThatThrownBy(() -> TestDispatchers.options("--wss-listen=127.0.0.1:0"))
        .hasMessageContaining("--wss-listen needs --tls-cert and --tls-key");
    assertThatThrownBy(() -> TestDispatchers.options("--probe-client-ca=ca.pem"))
        .hasMessageContaining("--probe-client-ca needs --probe-tls-cert");
  }
}

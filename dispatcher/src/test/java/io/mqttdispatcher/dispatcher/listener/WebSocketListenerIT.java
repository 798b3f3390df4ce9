package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT over WebSocket: a real HiveMQ client over ws:// is sent to the broker's WebSocket endpoint.
 */
@ParameterizedClass(name = "--transport {0}")
@EnumSource(
    value = TransportChoice.class,
    names = {"IO_URING", "EPOLL"})
class WebSocketListenerIT {
  /** Every test runs on each native transport the listener may use. */
  @Parameter TransportChoice transport;

  private Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                "--transport=" + transport.optionName(),
                "--ws-listen=127.0.0.1:0",
                "--ws-path=/mqtt"));
    assertThat(dispatcher.metrics().deviceTransport()).isEqualTo(transport.optionName());
  }

  @AfterEach
  void stop() {
    dispatcher.close();
  }

  private Mqtt5ConnAck askOverWebSocket() throws Exception {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("ws-device")
            .serverHost("127.0.0.1")
            .serverPort(dispatcher.webSocketPort())
            .webSocketConfig()
            .serverPath("mqtt")
            .applyWebSocketConfig()
            .buildAsync();
    try {
      client.connect().get(5, TimeUnit.SECONDS);
      throw new AssertionError(
          "the dispatcher accepted a WebSocket device instead of redirecting it");
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
  void websocket_device_is_sent_to_the_brokers_websocket_endpoint() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(
          0.1,
          true,
          Map.of(Transport.MQTT, "127.0.0.1:11883", Transport.WS, "ws://127.0.0.1:18080/mqtt"));
      awaitBroker();

      Mqtt5ConnAck ack = askOverWebSocket();

      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
      assertThat(ack.getServerReference().map(Object::toString))
          .contains("ws://127.0.0.1:18080/mqtt");
      // the TCP listener still hands out the TCP endpoint
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }

  @Test
  void websocket_device_gets_server_unavailable_when_no_broker_offers_websocket() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.1, "127.0.0.1:11883");
      awaitBroker();

      assertThat(askOverWebSocket().getReasonCode())
          .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }
}

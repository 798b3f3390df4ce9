package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.DispatcherLoop;
import io.mqttdispatcher.devicekit.testing.TopicSubscriber;
import io.mqttdispatcher.devicekit.testing.TransportStack;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.Parking;
import io.mqttdispatcher.testing.TestDispatchers;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedirectingConnectorIT {

  @Test
  void follows_the_redirect_and_publishes_a_message_a_subscriber_on_that_broker_receives()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.9);
      stack.pinCpu(1, 0.1);
      try (TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/java");
          RedirectingConnector connector =
              RedirectingConnector.builder(stack.dispatcherAddress())
                  .client(b -> b.identifier("device-follow"))
                  .build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(1));
        assertThat(device.hops()).isEqualTo(1);
        assertThat(device.isConnected()).isTrue();

        device
            .client()
            .publishWith()
            .topic("kit/java")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload("hello from java".getBytes(StandardCharsets.UTF_8))
            .send()
            .get(5, TimeUnit.SECONDS);

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.received().contains("hello from java"));
      }
    }
  }

  @Test
  void tries_the_dispatcher_references_in_order_and_skips_one_that_does_not_answer()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(1);
        java.net.ServerSocket closed =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String unreachable = "127.0.0.1:" + closed.getLocalPort();
      closed.close();
      try (RedirectingConnector connector =
              RedirectingConnector.builder(unreachable + " " + stack.dispatcherAddress()).build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(0));
      }
    }
  }

  @Test
  void follows_a_websocket_redirect_with_the_path_of_the_reference() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      try (TopicSubscriber subscriber =
              TopicSubscriber.on(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/java-ws");
          RedirectingConnector connector =
              RedirectingConnector.builder(stack.dispatcherWebSocketUri())
                  .client(b -> b.identifier("device-ws"))
                  .build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).hasToString(stack.brokerWebSocketUri());
        assertThat(device.client().getConfig().getWebSocketConfig()).isPresent();

        device
            .client()
            .publishWith()
            .topic("kit/java-ws")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload("hello over websocket".getBytes(StandardCharsets.UTF_8))
            .send()
            .get(5, TimeUnit.SECONDS);

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.received().contains("hello over websocket"));
      }
    }
  }

  @Test
  void carries_the_devices_tls_settings_to_the_brokers_tls_endpoint() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      // The test certificate is self-signed: only the device's own trust settings accept it.
      try (TopicSubscriber subscriber =
              TopicSubscriber.on(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/java-tls");
          RedirectingConnector connector =
              RedirectingConnector.builder(stack.dispatcherTlsAddress())
                  .client(
                      b ->
                          b.identifier("device-tls")
                              .sslConfig()
                              .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE)
                              .applySslConfig())
                  .build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).hasToString(stack.brokerTlsAddress());
        assertThat(device.client().getConfig().getSslConfig()).isPresent();

        device
            .client()
            .publishWith()
            .topic("kit/java-tls")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload("hello over tls".getBytes(StandardCharsets.UTF_8))
            .send()
            .get(5, TimeUnit.SECONDS);

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.received().contains("hello over tls"));
      }
    }
  }

  @Test
  void refuses_a_redirect_loop_between_two_dispatchers() throws Exception {
    try (DispatcherLoop loop = DispatcherLoop.start();
        RedirectingConnector connector = RedirectingConnector.builder(loop.entry()).build()) {
      assertThatThrownBy(connector::connect)
          .isInstanceOf(RedirectLoopException.class)
          .hasMessageContaining("redirect loop")
          .hasMessageContaining(loop.path());
    }
  }

  @Test
  void reports_no_usable_broker_as_server_unavailable() throws Exception {
    try (Dispatcher empty = Dispatcher.start(TestDispatchers.options());
        RedirectingConnector connector =
            RedirectingConnector.builder("127.0.0.1:" + empty.devicePort())
                // The dispatcher holds the CONNECT for its hold (4 s) before it answers 0x88: the
                // device's default 5 s timeout raced that answer on a loaded machine.
                .connectTimeout(Parking.DEFAULT.holdFor().plusSeconds(30))
                .build()) {
      assertThatThrownBy(connector::connect)
          .isInstanceOfSatisfying(
              ConnectFailedException.class,
              e -> assertThat(e.reasonCode()).contains(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE))
          .hasMessageContaining("0x88");
    }
  }

  @Test
  void goes_back_through_the_dispatcher_after_its_broker_is_killed() throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      AtomicInteger reconnected = new AtomicInteger();
      try (RedirectingConnector connector =
              RedirectingConnector.builder(stack.dispatcherAddress())
                  .client(b -> b.identifier("device-failover"))
                  // A broker in a JVM of its own (HiveMQ CE) on a loaded machine may take more
                  // than the default 5 s to answer its first CONNECT.
                  .connectTimeout(Duration.ofSeconds(30))
                  .onReconnected(d -> reconnected.incrementAndGet())
                  .build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(0));
        double redirectsToSecond = stack.dispatcher().metrics().redirectCount("broker-2");

        stack.broker(0).kill();

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> device.isConnected() && device.reconnects() == 1);
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(1));
        assertThat(reconnected).hasValue(1);
        // It asked the dispatcher again rather than retrying the dead broker.
        assertThat(stack.dispatcher().metrics().redirectCount("broker-2"))
            .isEqualTo(redirectsToSecond + 1);
      }
    }
  }
}

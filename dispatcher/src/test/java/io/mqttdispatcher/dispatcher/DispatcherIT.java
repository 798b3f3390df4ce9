package io.mqttdispatcher.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole flow with real parts: HiveMQ client, dispatcher over TCP, real brokers (see
 * TestBroker).
 */
class DispatcherIT {
  private Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    // Tests send a report or two, so reports must stay fresh for a whole test, however slow the
    // machine.
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                List.of(), Duration.ofMinutes(2), Duration.ofSeconds(5), 65536));
  }

  @AfterEach
  void stop() {
    dispatcher.close();
  }

  @Test
  void device_is_redirected_to_a_real_broker_and_its_publish_reaches_a_subscriber()
      throws Exception {
    try (TestBroker broker = TestBroker.start();
        TestProbe probe =
            TestProbe.authenticated(dispatcher.probePort(), "broker-a", TestDispatchers.SECRET)) {
      probe.report(0.1, broker.endpoint());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !dispatcher.registry().snapshot().brokers().isEmpty());

      // given a subscriber on the broker
      Mqtt5BlockingClient subscriber =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier("sub")
              .serverHost("127.0.0.1")
              .serverPort(broker.port())
              .buildBlocking();
      subscriber.connect();
      Mqtt5BlockingClient.Mqtt5Publishes publishes =
          subscriber.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
      subscriber.subscribeWith().topicFilter("x").qos(MqttQos.AT_LEAST_ONCE).send();

      // when a device asks the dispatcher and follows the redirect
      Mqtt5ConnAck ack = TestDevice.ask(dispatcher.devicePort());
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
      assertThat(ack.getServerReference().map(Object::toString)).contains(broker.endpoint());
      assertThat(ack.getReasonString().map(Object::toString)).contains("use broker broker-a");
      HostPort target = HostPort.parse(ack.getServerReference().orElseThrow().toString());
      Mqtt5BlockingClient device =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier("dev1")
              .serverHost(target.host())
              .serverPort(target.port())
              .buildBlocking();
      device.connect();
      device
          .publishWith()
          .topic("x")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload("hello".getBytes(StandardCharsets.UTF_8))
          .send();

      // then the subscriber receives it
      Optional<Mqtt5Publish> received = publishes.receive(5, TimeUnit.SECONDS);
      assertThat(received).isPresent();
      assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
          .isEqualTo("hello");
      device.disconnect();
      publishes.close();
      subscriber.disconnect();
    }
  }

  @Test
  void device_goes_to_the_broker_with_lower_cpu_and_follows_when_reports_flip() throws Exception {
    try (TestProbe a =
            TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET);
        TestProbe b =
            TestProbe.authenticated(dispatcher.probePort(), "b", TestDispatchers.SECRET)) {
      a.report(0.8, "127.0.0.1:11883");
      b.report(0.1, "127.0.0.1:21883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> dispatcher.registry().snapshot().brokers().size() == 2);

      for (int i = 0; i < 5; i++) {
        assertThat(TestDevice.serverReference(dispatcher.devicePort()))
            .isEqualTo("127.0.0.1:21883");
      }

      // The window averages 5 s of reports: enough fresh samples move the mean past the other's.
      for (int i = 0; i < 20; i++) {
        a.report(0.0, "127.0.0.1:11883");
        b.report(1.0, "127.0.0.1:21883");
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  dispatcher.registry().snapshot().brokers().stream()
                      .filter(v -> v.id().equals("a"))
                      .allMatch(v -> v.meanCpu() < 0.3));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> "127.0.0.1:11883".equals(TestDevice.serverReference(dispatcher.devicePort())));
      for (int i = 0; i < 5; i++) {
        assertThat(TestDevice.serverReference(dispatcher.devicePort()))
            .isEqualTo("127.0.0.1:11883");
      }
    }
  }

  @Test
  void a_device_with_a_session_is_sent_to_the_same_broker_by_every_replica() throws Exception {
    // Reports are sent once, so they must stay fresh for the whole test, however slow the machine.
    DispatcherOptions options =
        TestDispatchers.options(List.of(), Duration.ofMinutes(2), Duration.ofSeconds(5), 65536);
    try (Dispatcher one = Dispatcher.start(options);
        Dispatcher replica = Dispatcher.start(options);
        TestProbe a1 = TestProbe.authenticated(one.probePort(), "a", TestDispatchers.SECRET);
        TestProbe b1 = TestProbe.authenticated(one.probePort(), "b", TestDispatchers.SECRET);
        TestProbe a2 = TestProbe.authenticated(replica.probePort(), "a", TestDispatchers.SECRET);
        TestProbe b2 = TestProbe.authenticated(replica.probePort(), "b", TestDispatchers.SECRET)) {
      // The replicas see different loads, within the load bound: each would send a device without a
      // session elsewhere.
      a1.report(0.3, "127.0.0.1:11883");
      b1.report(0.4, "127.0.0.1:21883");
      a2.report(0.4, "127.0.0.1:11883");
      b2.report(0.3, "127.0.0.1:21883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  one.registry().snapshot().brokers().size() == 2
                      && replica.registry().snapshot().brokers().size() == 2);
      assertThat(TestDevice.serverReference(one.devicePort())).isEqualTo("127.0.0.1:11883");
      assertThat(TestDevice.serverReference(replica.devicePort())).isEqualTo("127.0.0.1:21883");

      for (int i = 0; i < 10; i++) {
        String id = "sensor-" + i;
        Optional<String> first =
            TestDevice.ask(one.devicePort(), id, false, 3600)
                .getServerReference()
                .map(Object::toString);
        Optional<String> again =
            TestDevice.ask(replica.devicePort(), id, false, 3600)
                .getServerReference()
                .map(Object::toString);
        assertThat(again).as("device %s", id).isEqualTo(first).isPresent();
      }
    }
  }

  @Test
  void
      session_devices_that_hash_to_a_hot_broker_go_elsewhere_alike_on_every_replica_and_return_to_it()
          throws Exception {
    String[] ids = {"a", "b", "c"};
    String[] endpoints = {"127.0.0.1:11883", "127.0.0.1:21883", "127.0.0.1:31883"};
    // Reports are sent once, so they must stay fresh for the whole test, however slow the machine.
    DispatcherOptions options =
        TestDispatchers.options(List.of(), Duration.ofMinutes(2), Duration.ofSeconds(5), 65536);
    try (Dispatcher one = Dispatcher.start(options);
        Dispatcher replica = Dispatcher.start(options);
        Dispatcher scout = Dispatcher.start(options)) {
      List<TestProbe> probes = new ArrayList<>();
      try {
        for (Dispatcher d : List.of(one, replica, scout)) {
          for (int i = 0; i < 3; i++) {
            TestProbe p = TestProbe.authenticated(d.probePort(), ids[i], TestDispatchers.SECRET);
            probes.add(p);
            // c is hot for the two replicas; the scout sees every broker alike, so it places by
            // hash alone.
            p.report(d != scout && i == 2 ? 0.9 : 0.3, endpoints[i]);
          }
        }
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    Stream.of(one, replica, scout)
                        .allMatch(d -> d.registry().snapshot().brokers().size() == 3));

        int hashedToHot = 0;
        for (int i = 0; i < 40; i++) {
          String device = "meter-" + i;
          String byHash = reference(scout, device);
          String first = reference(one, device);
          if (byHash.equals(endpoints[2])) {
            hashedToHot++;
            assertThat(first)
                .as("device %s hashes to the hot broker", device)
                .isNotEqualTo(endpoints[2]);
          } else {
            assertThat(first).as("device %s", device).isEqualTo(byHash);
          }
          assertThat(reference(replica, device))
              .as("device %s on the other replica", device)
              .isEqualTo(first);
          assertThat(reference(one, device)).as("device %s returning", device).isEqualTo(first);
        }
        assertThat(hashedToHot).as("devices that hash to the hot broker").isPositive();
      } finally {
        probes.forEach(TestProbe::close);
      }
    }
  }

  private static String reference(Dispatcher d, String clientId) {
    return TestDevice.ask(d.devicePort(), clientId, false, 3600)
        .getServerReference()
        .map(Object::toString)
        .orElseThrow();
  }

  @Test
  void without_a_usable_broker_the_device_gets_server_unavailable() {
    Mqtt5ConnAck ack = TestDevice.ask(dispatcher.devicePort());

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    assertThat(ack.getServerReference()).isEmpty();
  }

  @Test
  void unhealthy_broker_is_not_used() throws Exception {
    try (TestProbe a =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      a.report(
          0.1,
          false,
          java.util.Map.of(io.mqttdispatcher.protocol.Transport.MQTT, "127.0.0.1:11883"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> dispatcher.registry().snapshot().brokers().size() == 1);

      assertThat(TestDevice.ask(dispatcher.devicePort()).getReasonCode())
          .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);

      a.report(0.1, "127.0.0.1:11883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> "127.0.0.1:11883".equals(TestDevice.serverReference(dispatcher.devicePort())));
    }
  }
}

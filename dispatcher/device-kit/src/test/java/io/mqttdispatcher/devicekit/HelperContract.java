package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.HelperProcess;
import io.mqttdispatcher.devicekit.testing.TransportStack;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every device helper must do against the real dispatcher, two real Mosquitto brokers and
 * probes, driven as a child process whose stdout lines are events ({@code landed <broker> ...},
 * {@code published <topic>}, {@code error <class>: <message>}). One subclass per language.
 */
abstract class HelperContract {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /**
   * The command that runs the driver for {@code dispatcher}, in {@link #directory()}; TLS at every
   * hop if {@code tls}.
   */
  abstract List<String> driver(String dispatcher, String clientId, String topic, boolean tls);

  private List<String> driver(String dispatcher, String clientId, String topic) {
    return driver(dispatcher, clientId, topic, false);
  }

  /** Where the driver runs. */
  abstract Path directory();

  /**
   * The command that runs the helper's own tests (parsing, hops, loops against scripted servers).
   */
  abstract List<String> ownTests();

  @Test
  void passes_its_own_tests() throws Exception {
    try (HelperProcess tests = HelperProcess.start(ownTests(), directory())) {
      assertThat(tests.awaitExit(Duration.ofSeconds(120))).as(tests.describe()).isZero();
    }
  }

  @Test
  void lands_on_the_referenced_broker_and_publishes_a_message_a_subscriber_receives()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.9);
      stack.pinCpu(1, 0.1);
      List<String> received = new CopyOnWriteArrayList<>();
      Mqtt5AsyncClient subscriber = subscribe(stack.brokerAddress(1), "kit/lands", received);
      try (HelperProcess device =
          HelperProcess.start(
              driver(stack.dispatcherAddress(), "helper-lands", "kit/lands"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerAddress(1) + " hops=1 reconnects=0");
        await().atMost(WAIT).until(() -> !received.isEmpty());
        assertThat(received.get(0)).contains("hello from helper-lands");
      } finally {
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void follows_a_websocket_redirect_to_the_brokers_websocket_endpoint() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      List<String> received = new CopyOnWriteArrayList<>();
      Mqtt5AsyncClient subscriber =
          subscribe(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/ws", received);
      try (HelperProcess device =
          HelperProcess.start(
              driver(stack.dispatcherWebSocketUri(), "helper-ws", "kit/ws"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerWebSocketUri() + " hops=1 reconnects=0");
        await().atMost(WAIT).until(() -> !received.isEmpty());
        assertThat(received.get(0)).contains("hello from helper-ws");
      } finally {
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void carries_tls_to_the_brokers_tls_endpoint() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      List<String> received = new CopyOnWriteArrayList<>();
      Mqtt5AsyncClient subscriber =
          subscribe(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/tls", received);
      try (HelperProcess device =
          HelperProcess.start(
              driver(stack.dispatcherTlsAddress(), "helper-tls", "kit/tls", true), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerTlsAddress() + " hops=1 reconnects=0");
        await().atMost(WAIT).until(() -> !received.isEmpty());
        assertThat(received.get(0)).contains("hello from helper-tls");
      } finally {
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void refuses_a_loop_between_two_dispatchers_with_a_clear_error() throws Exception {
    try (Dispatcher a = Dispatcher.start(TestDispatchers.options());
        Dispatcher b = Dispatcher.start(TestDispatchers.options());
        TestProbe probeA =
            TestProbe.authenticated(a.probePort(), "not-a-broker", TestDispatchers.SECRET);
        TestProbe probeB =
            TestProbe.authenticated(b.probePort(), "not-a-broker", TestDispatchers.SECRET)) {
      // Each dispatcher is told the other one is a broker: a misconfigured probe. Reported again
      // every 500 ms, since a child process may take longer to start than a report stays fresh.
      ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
      reporter.scheduleAtFixedRate(
          () -> {
            probeA.report(0.1, "127.0.0.1:" + b.devicePort());
            probeB.report(0.1, "127.0.0.1:" + a.devicePort());
          },
          0,
          500,
          TimeUnit.MILLISECONDS);
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> usable(a) && usable(b));
        try (HelperProcess device =
            HelperProcess.start(
                driver("127.0.0.1:" + a.devicePort(), "helper-loop", "kit/loop"), directory())) {
          String error =
              device.awaitLine(0, l -> l.startsWith("error ") || l.startsWith("landed "), WAIT);

          assertThat(error)
              .as(device.describe())
              .contains(
                  "redirect loop: 127.0.0.1:"
                      + a.devicePort()
                      + " -> 127.0.0.1:"
                      + b.devicePort()
                      + " -> 127.0.0.1:"
                      + a.devicePort()
                      + " again");
          assertThat(device.awaitExit(WAIT)).isEqualTo(2);
        }
      } finally {
        reporter.shutdownNow();
      }
    }
  }

  @Test
  void comes_back_through_the_dispatcher_when_its_broker_is_killed() throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      List<String> received = new CopyOnWriteArrayList<>();
      Mqtt5AsyncClient subscriber = subscribe(stack.brokerAddress(1), "kit/failover", received);
      try (HelperProcess device =
          HelperProcess.start(
              driver(stack.dispatcherAddress(), "helper-failover", "kit/failover"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerAddress(0) + " hops=1 reconnects=0");
        device.awaitLine(0, l -> l.startsWith("published "), WAIT);
        int after = device.lineCount();
        double redirectsToSecond = stack.dispatcher().metrics().redirectCount(BrokerStack.id(1));

        stack.broker(0).kill();

        assertThat(
                device.awaitLine(
                    after, l -> l.startsWith("landed ") || l.startsWith("gave-up "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerAddress(1) + " hops=1 reconnects=1");
        await().atMost(WAIT).until(() -> !received.isEmpty());
        assertThat(received.get(0)).contains("hello from helper-failover");
        // It asked the dispatcher again rather than retrying the dead broker.
        assertThat(stack.dispatcher().metrics().redirectCount(BrokerStack.id(1)))
            .isGreaterThan(redirectsToSecond);
      } finally {
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Mqtt5AsyncClient subscribe(Endpoint broker, String topic, List<String> received)
      throws Exception {
    Mqtt5AsyncClient subscriber =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("subscriber-" + topic.replace('/', '-'))
            .serverHost(broker.host())
            .serverPort(broker.port())
            .buildAsync();
    subscriber.connect().get(5, TimeUnit.SECONDS);
    subscriber
        .subscribeWith()
        .topicFilter(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .send()
        .get(5, TimeUnit.SECONDS);
    return subscriber;
  }

  private static boolean usable(Dispatcher d) {
    return !d.registry().snapshot().brokers().isEmpty();
  }
}

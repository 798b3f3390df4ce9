package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.DispatcherLoop;
import io.mqttdispatcher.devicekit.testing.HelperProcess;
import io.mqttdispatcher.devicekit.testing.TopicSubscriber;
import io.mqttdispatcher.devicekit.testing.TransportStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
      try (TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/lands");
          HelperProcess device =
              HelperProcess.start(
                  driver(stack.dispatcherAddress(), "helper-lands", "kit/lands"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerAddress(1) + " hops=1 reconnects=0");
        assertThat(subscriber.awaitFirst(WAIT)).contains("hello from helper-lands");
      }
    }
  }

  @Test
  void follows_a_websocket_redirect_to_the_brokers_websocket_endpoint() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      try (TopicSubscriber subscriber =
              TopicSubscriber.on(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/ws");
          HelperProcess device =
              HelperProcess.start(
                  driver(stack.dispatcherWebSocketUri(), "helper-ws", "kit/ws"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerWebSocketUri() + " hops=1 reconnects=0");
        assertThat(subscriber.awaitFirst(WAIT)).contains("hello from helper-ws");
      }
    }
  }

  @Test
  void carries_tls_to_the_brokers_tls_endpoint() throws Exception {
    try (TransportStack stack = TransportStack.start()) {
      try (TopicSubscriber subscriber =
              TopicSubscriber.on(Endpoint.of("127.0.0.1", stack.brokerMqttPort()), "kit/tls");
          HelperProcess device =
              HelperProcess.start(
                  driver(stack.dispatcherTlsAddress(), "helper-tls", "kit/tls", true),
                  directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerTlsAddress() + " hops=1 reconnects=0");
        assertThat(subscriber.awaitFirst(WAIT)).contains("hello from helper-tls");
      }
    }
  }

  @Test
  void refuses_a_loop_between_two_dispatchers_with_a_clear_error() throws Exception {
    try (DispatcherLoop loop = DispatcherLoop.start();
        HelperProcess device =
            HelperProcess.start(driver(loop.entry(), "helper-loop", "kit/loop"), directory())) {
      String error =
          device.awaitLine(0, l -> l.startsWith("error ") || l.startsWith("landed "), WAIT);

      assertThat(error).as(device.describe()).contains("redirect loop: " + loop.path() + " again");
      assertThat(device.awaitExit(WAIT)).isEqualTo(2);
    }
  }

  @Test
  void comes_back_through_the_dispatcher_when_its_broker_is_killed() throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      try (TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/failover");
          HelperProcess device =
              HelperProcess.start(
                  driver(stack.dispatcherAddress(), "helper-failover", "kit/failover"),
                  directory())) {
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
        assertThat(subscriber.awaitFirst(WAIT)).contains("hello from helper-failover");
        // It asked the dispatcher again rather than retrying the dead broker.
        assertThat(stack.dispatcher().metrics().redirectCount(BrokerStack.id(1)))
            .isGreaterThan(redirectsToSecond);
      }
    }
  }
}

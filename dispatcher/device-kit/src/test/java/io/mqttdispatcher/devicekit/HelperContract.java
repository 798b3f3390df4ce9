package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.DispatcherLoop;
import io.mqttdispatcher.devicekit.testing.DroppingBrokerStack;
import io.mqttdispatcher.devicekit.testing.HelperProcess;
import io.mqttdispatcher.devicekit.testing.TopicSubscriber;
import io.mqttdispatcher.devicekit.testing.TransportStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What every device helper must do against the real dispatcher, two real Mosquitto brokers and
 * probes, driven as a child process whose stdout lines are events ({@code landed <broker> ...},
 * {@code published <topic>}, {@code error <class>: <message>}, ...) and whose stdin lines are
 * commands ({@code publish-in-gap <topic>}, {@code close}, {@code connect}, {@code fail-hook}). One
 * subclass per language.
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

  @Test
  void lands_at_most_8_times_in_10_s_on_a_broker_that_drops_it_50_ms_after_accepting_it()
      throws Exception {
    try (DroppingBrokerStack stack = DroppingBrokerStack.start();
        HelperProcess device =
            HelperProcess.start(
                driver(stack.dispatcherAddress(), "helper-flapping", "kit/flapping"),
                directory())) {
      device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT);
      long first = System.nanoTime();

      Thread.sleep(10_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first));

      List<String> landings = device.lines(l -> l.startsWith("landed "));
      List<String> attempts = device.lines(l -> l.startsWith("reconnecting "));
      LoggerFactory.getLogger(getClass())
          .info("landings in 10 s: {}, waits {}", landings.size(), attempts);
      // The default waits, 0.1-0.2, 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2, 2.5-5 s, leave room for at
      // most 8 landings in 10 s; when each landing started the schedule again, 48.
      assertThat(landings).as(device.describe()).hasSizeBetween(4, 8);
      assertThat(attempts.subList(0, 4))
          .containsExactly("reconnecting 0", "reconnecting 1", "reconnecting 2", "reconnecting 3");
    }
  }

  @Test
  void reports_a_failing_application_hook_and_keeps_reconnecting() throws Exception {
    try (DroppingBrokerStack stack = DroppingBrokerStack.start();
        HelperProcess device =
            HelperProcess.start(
                driver(stack.dispatcherAddress(), "helper-hook", "kit/hook"), directory())) {
      device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT);

      device.send("fail-hook");

      String error = device.awaitLine(0, l -> l.startsWith("app-error "), WAIT);
      int after = device.lines(l -> true).indexOf(error);
      assertThat(error).isEqualTo("app-error the application's hook failed");
      device.awaitLine(after, l -> l.startsWith("landed "), WAIT);
      assertThat(device.isAlive()).as(device.describe()).isTrue();
    }
  }

  @Test
  void reconnects_after_close_then_connect_when_its_broker_is_killed() throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      try (HelperProcess device =
          HelperProcess.start(
              driver(stack.dispatcherAddress(), "helper-reopen", "kit/reopen"), directory())) {
        device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT);
        device.send("close");
        device.awaitLine(0, "closed"::equals, WAIT);
        int reopened = device.lineCount();
        device.send("connect");
        assertThat(device.awaitLine(reopened, l -> l.startsWith("landed "), WAIT))
            .isEqualTo("landed " + stack.brokerAddress(0) + " hops=1 reconnects=0");
        int after = device.lineCount();

        stack.broker(0).kill();

        assertThat(
                device.awaitLine(
                    after, l -> l.startsWith("landed ") || l.startsWith("gave-up "), WAIT))
            .as(device.describe())
            .isEqualTo("landed " + stack.brokerAddress(1) + " hops=1 reconnects=1");
      }
    }
  }

  @Test
  void a_qos1_publish_made_between_brokers_reaches_a_subscriber_on_the_next_broker()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      try (TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/gap");
          HelperProcess device =
              HelperProcess.start(
                  driver(stack.dispatcherAddress(), "helper-gap", "kit/hello"), directory())) {
        assertThat(
                device.awaitLine(0, l -> l.startsWith("landed ") || l.startsWith("error "), WAIT))
            .isEqualTo("landed " + stack.brokerAddress(0) + " hops=1 reconnects=0");
        device.send("publish-in-gap kit/gap");
        device.awaitLine(0, "armed kit/gap"::equals, WAIT);

        stack.broker(0).kill();

        assertThat(device.awaitLine(0, l -> l.startsWith("publish") && l.contains("kit/gap"), WAIT))
            .as(device.describe())
            .isEqualTo("published kit/gap");
        assertThat(subscriber.awaitFirst(WAIT)).isEqualTo("queued by helper-gap");
      }
    }
  }
}

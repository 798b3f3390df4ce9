package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.DroppingBrokerStack;
import io.mqttdispatcher.devicekit.testing.TopicSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Java kit when brokers flap and applications err: a real dispatcher sending the device to a
 * broker that drops it 50 ms after accepting it, or to real brokers, one of which is killed.
 */
class DeviceResilienceIT {

  @Test
  void lands_at_most_8_times_in_10_s_on_a_broker_that_drops_it_50_ms_after_accepting_it()
      throws Exception {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    try (DroppingBrokerStack stack = DroppingBrokerStack.start();
        RedirectingConnector connector =
            RedirectingConnector.builder(stack.dispatcherAddress())
                .client(b -> b.identifier("device-flapping"))
                .onReconnecting((d, attempt, delay, e) -> attempts.add(attempt))
                .build()) {
      long start = System.nanoTime();
      try (DeviceConnection device = connector.connect()) {
        Thread.sleep(10_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        LoggerFactory.getLogger(DeviceResilienceIT.class)
            .info("landings in 10 s: {}, attempts {}", stack.broker().landings(), attempts);
        // The default waits, 0.1-0.2, 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2, 2.5-5 s, leave room for
        // at most 8 landings in 10 s; when each landing started the schedule again, 46.
        assertThat(stack.broker().landings()).isBetween(4, 8);
        assertThat(attempts).isEqualTo(List.copyOf(attempts).stream().sorted().distinct().toList());
        assertThat(attempts.get(0)).isZero();
      }
    }
  }

  @Test
  void gives_up_when_no_landing_lasts_and_tells_the_application() throws Exception {
    AtomicReference<ConnectFailedException> gaveUp = new AtomicReference<>();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    try (DroppingBrokerStack stack = DroppingBrokerStack.start();
        RedirectingConnector connector =
            RedirectingConnector.builder(stack.dispatcherAddress())
                .client(b -> b.identifier("device-gives-up"))
                .reconnectAttempts(3, Duration.ofSeconds(1))
                .onReconnecting((d, attempt, delay, e) -> attempts.add(attempt))
                .onGaveUp((d, e) -> gaveUp.set(e))
                .build();
        DeviceConnection device = connector.connect()) {

      await().atMost(Duration.ofSeconds(15)).until(() -> gaveUp.get() != null);

      assertThat(gaveUp.get()).hasMessageContaining("3 landings in a row did not last 20 s");
      assertThat(attempts).containsExactly(0, 1, 2);
      assertThat(stack.broker().landings()).isEqualTo(4); // connect() and 3 passes
      assertThat(device.isConnected()).isFalse();
    }
  }

  @Test
  void tells_the_application_it_gave_up_when_the_dispatcher_is_gone() throws Exception {
    AtomicReference<ConnectFailedException> gaveUp = new AtomicReference<>();
    List<String> waits = new CopyOnWriteArrayList<>();
    try (BrokerStack stack = BrokerStack.start(1);
        RedirectingConnector connector =
            RedirectingConnector.builder(stack.dispatcherAddress())
                .client(b -> b.identifier("device-no-dispatcher"))
                .connectTimeout(Duration.ofSeconds(30))
                .reconnectAttempts(3, Duration.ofMillis(500))
                .onReconnecting(
                    (d, attempt, delay, e) ->
                        waits.add(attempt + (e == null ? "" : " after " + e.getMessage())))
                .onGaveUp((d, e) -> gaveUp.set(e))
                .build();
        DeviceConnection device = connector.connect()) {
      stack.stopDispatcher();

      stack.broker(0).kill();

      await().atMost(Duration.ofSeconds(20)).until(() -> gaveUp.get() != null);
      assertThat(gaveUp.get())
          .hasMessageContaining("cannot connect to " + stack.dispatcherAddress());
      assertThat(waits).hasSize(3);
      assertThat(waits.get(0)).isEqualTo("0");
      assertThat(waits.get(2)).startsWith("2 after cannot connect to ");
    }
  }

  @Test
  void an_exception_thrown_by_on_reconnected_is_logged_with_its_stack_trace() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(DeviceConnection.class.getName());
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    try (DroppingBrokerStack stack = DroppingBrokerStack.start();
        RedirectingConnector connector =
            RedirectingConnector.builder(stack.dispatcherAddress())
                .client(b -> b.identifier("device-app-error"))
                .onReconnected(
                    d -> {
                      throw new IllegalStateException("the application's subscribe failed");
                    })
                .build();
        DeviceConnection device = connector.connect()) {

      await().atMost(Duration.ofSeconds(10)).until(() -> device.reconnects() >= 1);

      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(logged.list)
                      .anySatisfy(
                          e -> {
                            assertThat(e.getLevel()).isEqualTo(Level.WARN);
                            assertThat(e.getFormattedMessage()).contains("onReconnected threw");
                            assertThat(e.getThrowableProxy().getMessage())
                                .isEqualTo("the application's subscribe failed");
                          }));
    } finally {
      log.detachAppender(logged);
    }
  }

  @Test
  void a_qos1_publish_made_between_brokers_reaches_a_subscriber_on_the_next_broker()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      AtomicReference<CompletableFuture<Mqtt5PublishResult>> inGap = new AtomicReference<>();
      Mqtt5Publish message =
          Mqtt5Publish.builder()
              .topic("kit/gap")
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload("made between brokers".getBytes(StandardCharsets.UTF_8))
              .build();
      try (TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/gap");
          RedirectingConnector connector =
              RedirectingConnector.builder(stack.dispatcherAddress())
                  .client(b -> b.identifier("device-gap"))
                  .connectTimeout(Duration.ofSeconds(30))
                  // before the first wait after the loss: the device is between brokers
                  .onReconnecting(
                      (d, attempt, delay, e) -> inGap.compareAndSet(null, d.publish(message)))
                  .build();
          DeviceConnection device = connector.connect()) {
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(0));

        stack.broker(0).kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> inGap.get() != null);

        inGap.get().get(60, TimeUnit.SECONDS);
        assertThat(device.broker()).isEqualTo(stack.brokerAddress(1));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.received().contains("made between brokers"));
      }
    }
  }
}

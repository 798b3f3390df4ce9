package io.mqttdispatcher.probe.metrics;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.testing.HiveMqBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HiveMQ CE (no {@code $SYS} tree) with its metrics endpoint, a real probe reading it with {@code
 * --metrics-format hivemq}, and a real dispatcher: the dispatcher sees the broker's connection
 * count and message rate, and while the broker is down neither, never a number from before.
 */
@Timeout(180)
class HiveMqMetricsIT {
  private static final int CLIENTS = 5;
  private static final int PER_CLIENT = 40; // messages a second each: 200 in all

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
  private final ScheduledExecutorService publishing = Executors.newScheduledThreadPool(1);

  @AfterEach
  void stop() {
    publishing.shutdownNow();
    for (Mqtt5BlockingClient c : clients) {
      try {
        c.disconnect();
      } catch (RuntimeException e) {
        // the broker may be gone already
      }
    }
    java.util.Collections.reverse(open);
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  void the_dispatcher_sees_hivemqs_connections_and_message_rate_and_none_while_it_is_down()
      throws Exception {
    HiveMqBroker broker = HiveMqBroker.start();
    open.add(broker);
    Dispatcher dispatcher = Dispatcher.start(TestDispatchers.options());
    open.add(dispatcher);
    Probe probe =
        Probe.start(
            ProbeOptions.parse(
                "--broker-id=hive",
                "--endpoint=mqtt=" + broker.endpoint(),
                "--dispatcher=127.0.0.1:" + dispatcher.probePort(),
                "--secret-file=" + TestDispatchers.SECRET_FILE,
                "--interval=500ms",
                "--metrics-url=" + broker.metricsUrl().orElseThrow(),
                "--metrics-format=hivemq"));
    open.add(probe);
    await().atMost(Duration.ofSeconds(60)).until(() -> view(dispatcher).isPresent());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> view(dispatcher).orElseThrow().connections().orElse(-1) == 0);

    for (int i = 0; i < CLIENTS; i++) {
      Mqtt5BlockingClient c =
          Mqtt5Client.builder()
              .identifier("pub-" + i)
              .serverHost("127.0.0.1")
              .serverPort(broker.port())
              .buildBlocking();
      c.connect();
      clients.add(c);
    }
    byte[] payload = new byte[64];
    publishing.scheduleAtFixedRate(
        () -> {
          for (Mqtt5BlockingClient c : clients) {
            for (int k = 0; k < PER_CLIENT / 20; k++) {
              c.publishWith().topic("load").qos(MqttQos.AT_MOST_ONCE).payload(payload).send();
            }
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);

    // The probe's liveness check connects for a few milliseconds each interval: one more at most.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              BrokerView v = view(dispatcher).orElseThrow();
              return v.connections().orElse(-1) >= CLIENTS
                  && v.connections().orElse(-1) <= CLIENTS + 1
                  && v.msgRate().orElse(0) > 0.7 * CLIENTS * PER_CLIENT
                  && v.msgRate().orElse(0) < 1.3 * CLIENTS * PER_CLIENT;
            });

    broker.kill();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                view(dispatcher)
                    .map(v -> v.connections().isEmpty() && v.msgRate().isEmpty())
                    .orElse(true));
  }

  /**
   * HiveMQ CE has no {@code $SYS} connection whose drop tells the probe its broker died: the
   * probe's watch connection does. With a 60 s interval the next scheduled check is far away, so
   * only the watch can make the dispatcher hear of the kill within seconds; without it devices
   * would go on being sent to the dead broker until that check.
   */
  @Test
  void a_killed_broker_is_reported_unhealthy_at_once_not_at_the_next_check() throws Exception {
    HiveMqBroker broker = HiveMqBroker.start();
    open.add(broker);
    Duration interval = Duration.ofSeconds(60);
    Dispatcher dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                List.of(), interval.multipliedBy(3), Duration.ofSeconds(5), 65536));
    open.add(dispatcher);
    Probe probe =
        Probe.start(
            ProbeOptions.parse(
                "--broker-id=hive",
                "--endpoint=mqtt=" + broker.endpoint(),
                "--dispatcher=127.0.0.1:" + dispatcher.probePort(),
                "--secret-file=" + TestDispatchers.SECRET_FILE,
                "--interval=60s",
                "--metrics-url=" + broker.metricsUrl().orElseThrow(),
                "--metrics-format=hivemq"));
    open.add(probe);
    // The first check passes at once and its report says so; the next check is a minute away.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> view(dispatcher).map(BrokerView::healthy).orElse(false));
    // The broker's one client is the probe's watch.
    MetricsPoller count =
        new MetricsPoller(
            broker.metricsUrl().orElseThrow(), MetricNames.HIVEMQ, Duration.ofMillis(200));
    open.add(count);
    count.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count.connections().equals(java.util.OptionalLong.of(1)));

    broker.kill();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> view(dispatcher).map(v -> !v.healthy()).orElse(true));
  }

  private static Optional<BrokerView> view(Dispatcher dispatcher) {
    return dispatcher.registry().snapshot().brokers().stream()
        .filter(b -> b.id().equals("hive"))
        .findFirst();
  }
}

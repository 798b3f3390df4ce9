package io.mqttdispatcher.probe.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.probe.metrics.MetricNames;
import io.mqttdispatcher.probe.metrics.MetricsPoller;
import io.mqttdispatcher.testing.TestBroker;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SysSubscriberIT {
  /**
   * The subscriber's reconnect delay grows to its 10 s maximum while the broker is away (HiveMQ CE
   * takes seconds to start again): watching this long covers its next attempt in any case.
   */
  private static final Duration NEXT_ATTEMPT = Duration.ofSeconds(11);

  /**
   * A probe closed while its broker is down must not come back: before, the $SYS client's automatic
   * reconnect went on in the background and connected to the next broker on that port, adding a
   * client to its count. Runs on whatever broker the machine has: the broker's own client count
   * (Mosquitto's {@code $SYS}, HiveMQ CE's metrics endpoint) tells whether the subscriber is there.
   */
  @Test
  void closed_while_its_broker_is_down_it_does_not_connect_to_the_broker_that_comes_back()
      throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      SysSubscriber subscriber =
          new SysSubscriber(new HostPort("127.0.0.1", broker.port()), () -> {});
      subscriber.start();
      try (ClientCount count = ClientCount.of(broker)) {
        // Mosquitto: its $SYS count reaches the subscriber; HiveMQ CE: the subscriber is its
        // client.
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    broker.hasSysTree()
                        ? subscriber.connections().isPresent()
                        : count.clients().equals(OptionalLong.of(1)));
      }

      broker.kill();
      await().atMost(Duration.ofSeconds(15)).until(() -> subscriber.connections().isEmpty());
      subscriber.close();
      broker.restart();

      try (ClientCount count = ClientCount.of(broker)) {
        await()
            .during(NEXT_ATTEMPT)
            .atMost(NEXT_ATTEMPT.plusSeconds(15))
            .until(() -> count.clients().equals(OptionalLong.of(0)));
        // Not counting the watcher itself: nobody else is connected.
        assertThat(count.clients()).hasValue(0);
      }
    }
  }

  /**
   * Clients connected to the broker as the broker itself counts them, not counting the counter: a
   * {@link SysSubscriber} watcher where the broker has {@code $SYS}, else its metrics endpoint.
   */
  private record ClientCount(Supplier<OptionalLong> reader, AutoCloseable source)
      implements AutoCloseable {
    static ClientCount of(TestBroker broker) {
      if (broker.hasSysTree()) {
        SysSubscriber watcher =
            new SysSubscriber(new HostPort("127.0.0.1", broker.port()), () -> {});
        watcher.start();
        return new ClientCount(watcher::connections, watcher);
      }
      MetricsPoller poller =
          new MetricsPoller(
              broker.metricsUrl().orElseThrow(), MetricNames.HIVEMQ, Duration.ofMillis(200));
      poller.start();
      return new ClientCount(poller::connections, poller);
    }

    /** Empty until the first figure arrives. */
    OptionalLong clients() {
      return reader.get();
    }

    @Override
    public void close() throws Exception {
      source.close();
    }
  }
}

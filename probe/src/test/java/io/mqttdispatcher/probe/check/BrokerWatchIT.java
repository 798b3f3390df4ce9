package io.mqttdispatcher.probe.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.testing.TestBroker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The watch on whatever broker this machine runs (Mosquitto, else HiveMQ CE). */
class BrokerWatchIT {
  @Test
  void a_killed_broker_is_reported_once_and_a_closed_watch_does_not_come_back() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      AtomicInteger losses = new AtomicInteger();
      BrokerWatch watch =
          new BrokerWatch(
              new HostPort("127.0.0.1", broker.port()), losses::incrementAndGet, null, null);
      try {
        watch.start();
        await().atMost(Duration.ofSeconds(15)).until(watch::connected);

        broker.kill();

        await().atMost(Duration.ofSeconds(5)).until(() -> losses.get() == 1);
        assertThat(watch.connected()).isFalse();
      } finally {
        watch.close();
      }
      broker.restart();

      // Reconnect attempts come at most 2 s apart: 4 s covers the next ones.
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !watch.connected());
      assertThat(losses).hasValue(1);
    }
  }
}

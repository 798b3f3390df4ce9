package io.mqttdispatcher.probe.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.testing.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SysSubscriberIT {
  /**
   * A probe closed while its broker is down must not come back: before, the $SYS client's automatic
   * reconnect went on in the background and connected to the next broker on that port, adding a
   * client to its count.
   */
  @Test
  void closed_while_its_broker_is_down_it_does_not_connect_to_the_broker_that_comes_back()
      throws Exception {
    try (TestBroker broker = TestBroker.startMosquitto("its $SYS client count")) {
      SysSubscriber subscriber =
          new SysSubscriber(new HostPort("127.0.0.1", broker.port()), () -> {});
      subscriber.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> subscriber.connections().isPresent());

      broker.kill();
      await().atMost(Duration.ofSeconds(15)).until(() -> subscriber.connections().isEmpty());
      subscriber.close();
      broker.restart();

      // Reconnect attempts come 0.5, 1, 2, 4 s apart after the loss: 8 s covers the next ones.
      await()
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(9))
          .until(() -> subscriber.connections().isEmpty());
      SysSubscriber watcher = new SysSubscriber(new HostPort("127.0.0.1", broker.port()), () -> {});
      try {
        watcher.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> watcher.connections().isPresent());
        // Not counting the watcher itself: nobody else is connected.
        assertThat(watcher.connections().getAsLong()).isZero();
      } finally {
        watcher.close();
      }
    }
  }
}

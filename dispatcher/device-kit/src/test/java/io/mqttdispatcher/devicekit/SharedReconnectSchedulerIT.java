package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.devicekit.testing.BrokerStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Many connectors, one reconnect scheduler: what a gateway or a load test holding many devices
 * does.
 */
class SharedReconnectSchedulerIT {
  private static final int DEVICES = 20;

  @Test
  void devices_sharing_one_scheduler_all_come_back_on_its_thread_and_closing_leaves_it_running()
      throws Exception {
    ScheduledExecutorService shared =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "shared-reconnect"));
    Set<String> reconnectThreads = ConcurrentHashMap.newKeySet();
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      List<RedirectingConnector> connectors = new ArrayList<>();
      List<DeviceConnection> devices = new ArrayList<>();
      try {
        for (int i = 0; i < DEVICES; i++) {
          String id = "shared-" + i;
          RedirectingConnector c =
              RedirectingConnector.builder(stack.dispatcherAddress())
                  .client(b -> b.identifier(id))
                  .onReconnected(d -> reconnectThreads.add(Thread.currentThread().getName()))
                  .reconnectScheduler(shared)
                  .build();
          connectors.add(c);
          devices.add(c.connect());
        }
        assertThat(devices)
            .allSatisfy(d -> assertThat(d.broker()).isEqualTo(stack.brokerAddress(0)));

        stack.broker(0).kill();

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> devices.stream().allMatch(d -> d.isConnected() && d.reconnects() == 1));
        assertThat(devices)
            .allSatisfy(d -> assertThat(d.broker()).isEqualTo(stack.brokerAddress(1)));
        // No connector started a thread of its own.
        assertThat(reconnectThreads).containsExactly("shared-reconnect");
      } finally {
        devices.forEach(DeviceConnection::close);
        connectors.forEach(RedirectingConnector::close);
      }
      assertThat(shared.isShutdown()).isFalse();
    } finally {
      shared.shutdownNow();
    }
  }
}

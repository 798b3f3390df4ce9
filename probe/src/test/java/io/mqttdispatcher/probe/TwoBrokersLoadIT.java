package io.mqttdispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two brokers on one host (Mosquitto, or HiveMQ CE where it is not installed), each with a probe on
 * its own process (--pid).
 */
@Timeout(90)
class TwoBrokersLoadIT {
  private TestBroker busy;
  private TestBroker idle;
  private Dispatcher dispatcher;
  private Probe busyProbe;
  private Probe idleProbe;

  @BeforeEach
  void start() throws Exception {
    // Mosquitto's probes read its $SYS tree, HiveMQ CE's its metrics endpoint (TestProbes).
    busy = TestBroker.start();
    idle = TestBroker.start();
    dispatcher = Dispatcher.start(TestDispatchers.options());
    busyProbe = Probe.start(TestProbes.options("busy", busy, dispatcher.probePort(), busy.pid()));
    idleProbe = Probe.start(TestProbes.options("idle", idle, dispatcher.probePort(), idle.pid()));
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {busyProbe, idleProbe, dispatcher, busy, idle}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void loaded_broker_reports_more_cpu_and_messages_and_new_devices_go_to_the_other()
      throws Exception {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                dispatcher.registry().snapshot().usable(Transport.MQTT, System.nanoTime()).size()
                    == 2);

    // when one broker is loaded with publishers
    try (Publishers load = new Publishers(busy, 4, Duration.ofSeconds(40))) {
      // then its probe reports more CPU and a higher message rate than the idle broker's probe
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                BrokerView b = view("busy");
                BrokerView i = view("idle");
                assertThat(b.msgRate()).isPresent();
                assertThat(i.msgRate()).isPresent();
                assertThat(b.msgRate().getAsDouble())
                    .as("busy msgRate")
                    .isGreaterThan(1_000)
                    .isGreaterThan(i.msgRate().getAsDouble() * 10);
                assertThat(b.cpu()).as("busy cpu").isGreaterThan(0.02).isGreaterThan(i.cpu() * 2);
                // the dispatcher's 5 s mean has caught up too, so the policy sees it
                assertThat(b.meanCpu()).as("busy mean cpu").isGreaterThan(i.meanCpu() + 0.01);
              });
      assertThat(load.sent()).isPositive();

      // and new devices are sent to the idle broker: the next three, since each new device is
      // expected to bring the fleet's average traffic (the busy broker's rate over its 4 publishers
      // and probe), so after about four the two brokers are expected to carry the same
      for (int n = 0; n < 3; n++) {
        Mqtt5ConnAck answer = Devices.connect(dispatcher.devicePort());
        assertThat(answer.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
        assertThat(Devices.serverReference(answer)).as("device %d", n).isEqualTo(idle.endpoint());
      }
    }
  }

  private BrokerView view(String id) {
    return dispatcher.registry().snapshot().brokers().stream()
        .filter(b -> b.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("broker " + id + " is not registered"));
  }
}

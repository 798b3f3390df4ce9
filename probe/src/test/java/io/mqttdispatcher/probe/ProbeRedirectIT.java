package io.mqttdispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real Mosquitto, real dispatcher, real probe: devices follow the broker's liveness. */
@Timeout(60)
class ProbeRedirectIT {
  /** Shorter than the test device's 3 s CONNACK timeout. */
  private static final Duration HOLD = Duration.ofSeconds(1);

  private TestBroker mosquitto;
  private Dispatcher dispatcher;
  private Probe probe;

  @BeforeEach
  void start() throws Exception {
    mosquitto = TestBroker.start();
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                "--park-max=100",
                "--park-for=" + DurationConverter.format(HOLD),
                "--gather-window=2s"));
    probe = Probe.start(TestProbes.options("broker-a", mosquitto, dispatcher.probePort(), null));
  }

  @AfterEach
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @Test
  void device_is_sent_to_the_broker_then_refused_when_it_dies_and_sent_again_when_it_returns() {
    // given a probe reporting for a live broker
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> // a bound for a loaded machine
            dispatcher
                        .registry()
                        .snapshot()
                        .usable(io.mqttdispatcher.protocol.Transport.MQTT, System.nanoTime())
                        .size()
                    == 1);
    BrokerView seen = dispatcher.registry().snapshot().brokers().get(0);
    assertThat(seen.id()).isEqualTo("broker-a");
    assertThat(seen.healthy()).isTrue();
    if (mosquitto.hasSysTree()) {
      // The first report goes out at once, before $SYS has been read; the counts follow.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                BrokerView b = dispatcher.registry().snapshot().brokers().get(0);
                return b.connections().isPresent() && b.msgRate().isPresent();
              });
    } else { // a broker without $SYS: the probe leaves out what it cannot know
      assertThat(seen.connections()).isEmpty();
      assertThat(seen.msgRate()).isEmpty();
    }

    // when a device connects through the dispatcher, it is redirected to that broker
    Mqtt5ConnAck redirect = Devices.connect(dispatcher.devicePort());
    assertThat(redirect.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
    assertThat(Devices.serverReference(redirect)).isEqualTo(mosquitto.endpoint());

    // when the broker process dies, its probe reports it unhealthy within 2 s, and the dispatcher
    // sends no device there: one that asks is held until a broker is usable (here: CONNACK 0x88
    // when the hold runs out)
    long killedAt = System.nanoTime();
    mosquitto.kill();
    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !dispatcher.registry().snapshot().brokers().get(0).healthy());
    Duration unhealthyAfter = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(unhealthyAfter).isLessThan(Duration.ofSeconds(2));
    assertThat(Devices.connect(dispatcher.devicePort()).getReasonCode())
        .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);

    // when it is started again on the same port, devices are sent there again
    mosquitto.restart();
    // a restarted broker's first check may be slow (a fresh JVM for HiveMQ CE, a loaded machine)
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                Devices.connect(dispatcher.devicePort()).getReasonCode()
                    == Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
    assertThat(Devices.serverReference(Devices.connect(dispatcher.devicePort())))
        .isEqualTo(mosquitto.endpoint());
  }
}

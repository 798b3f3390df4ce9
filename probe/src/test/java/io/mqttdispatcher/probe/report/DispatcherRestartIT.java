package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The probe survives a dispatcher restart without operator action. */
@Timeout(60)
class DispatcherRestartIT {
  private TestBroker mosquitto;
  private Dispatcher dispatcher;
  private Probe probe;

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
  void broker_is_usable_again_within_5_seconds_of_a_dispatcher_restart() throws Exception {
    // given a probe reporting to a dispatcher on a fixed probe port
    int probePort = FreePort.find();
    mosquitto = TestBroker.start();
    dispatcher = Dispatcher.start(onProbePort(probePort));
    probe =
        Probe.start(
            ProbeOptions.parse(
                "--broker-id=broker-a",
                "--endpoint=mqtt=" + mosquitto.endpoint(),
                "--dispatcher=127.0.0.1:" + probePort,
                "--secret-file=" + TestDispatchers.SECRET_FILE,
                "--interval=1s",
                "--no-sys-topics"));
    await().atMost(Duration.ofSeconds(5)).until(() -> usable(dispatcher) == 1);

    // when the dispatcher stops and a new one starts on the same probe port
    dispatcher.close();
    dispatcher = null;
    Thread.sleep(1_000); // down long enough for the probe to fail a reconnect or two
    long startedAt = System.nanoTime();
    dispatcher = Dispatcher.start(onProbePort(probePort));
    Dispatcher restarted = dispatcher;
    assertThat(usable(restarted)).as("a new dispatcher knows no broker").isZero();

    // then the probe reconnects and the broker is usable again within 5 s
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> usable(restarted) == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(5));
    assertThat(restarted.registry().snapshot().brokers().get(0).endpoints())
        .containsEntry(Transport.MQTT, mosquitto.endpoint());
  }

  private static int usable(Dispatcher d) {
    return d.registry().snapshot().usable(Transport.MQTT, System.nanoTime()).size();
  }

  private static DispatcherOptions onProbePort(int port) {
    return TestDispatchers.options("--probe-listen=127.0.0.1:" + port);
  }
}

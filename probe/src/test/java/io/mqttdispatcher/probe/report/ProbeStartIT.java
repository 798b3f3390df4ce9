package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A probe makes its broker usable within moments, not an interval later: its first report goes out
 * when it starts, and a broker that comes back is found by a quick retry. The report interval here
 * is long (5 s) so that waiting for it would show.
 */
@Timeout(60)
class ProbeStartIT {
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  private TestBroker broker;
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
    if (broker != null) {
      broker.close();
    }
  }

  private Probe startProbe() {
    return Probe.start(
        ProbeOptions.parse(
            "--broker-id=broker-a",
            "--endpoint=mqtt=127.0.0.1:" + broker.port(),
            "--dispatcher=127.0.0.1:" + dispatcher.probePort(),
            "--secret-file=" + TestDispatchers.SECRET_FILE,
            "--interval=" + DurationConverter.format(INTERVAL),
            "--no-sys-topics"));
  }

  private boolean usable() {
    return !dispatcher.registry().snapshot().usable(Transport.MQTT, System.nanoTime()).isEmpty();
  }

  @Test
  void a_new_probe_and_a_restarted_broker_are_usable_well_within_one_report_interval()
      throws Exception {
    broker = TestBroker.start();
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                "--stale-after=" + DurationConverter.format(INTERVAL.multipliedBy(3))));

    long started = System.nanoTime();
    probe = startProbe();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(this::usable);
    Duration firstUsable = Duration.ofNanos(System.nanoTime() - started);

    broker.kill();
    await().atMost(Duration.ofSeconds(20)).until(() -> !usable());
    broker.restart(); // returns once the broker listens again
    long back = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(this::usable);
    Duration usableAgain = Duration.ofNanos(System.nanoTime() - back);

    assertThat(firstUsable).as("from the probe's start").isLessThan(INTERVAL.dividedBy(2));
    assertThat(usableAgain).as("from the broker's restart").isLessThan(INTERVAL.dividedBy(2));
  }
}

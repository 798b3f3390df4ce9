package io.mqttdispatcher.probe;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.probe.config.MetricsSource;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.probe.metrics.MetricNames;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Options for an in-process probe beside a test Mosquitto, reporting to a test dispatcher every
 * second.
 */
final class TestProbes {
  private TestProbes() {}

  /**
   * The broker's Prometheus endpoint where it has one instead of a {@code $SYS} tree (HiveMQ CE),
   * so the probe reports connections and message rate from either.
   */
  static @Nullable MetricsSource metricsOf(TestBroker broker) {
    return broker.metricsUrl().map(url -> new MetricsSource(url, MetricNames.HIVEMQ)).orElse(null);
  }

  static ProbeOptions options(
      String brokerId, TestBroker broker, int probePort, @Nullable Long pid) {
    return options(brokerId, broker, probePort, pid, TestDispatchers.SECRET);
  }

  static ProbeOptions options(
      String brokerId, TestBroker broker, int probePort, @Nullable Long pid, byte[] secret) {
    return ProbeOptions.builder(
            brokerId,
            Map.of(Transport.MQTT, broker.endpoint()),
            List.of(new HostPort("127.0.0.1", probePort)),
            secret)
        .interval(Duration.ofSeconds(1))
        .pid(pid)
        .sysTopics(true)
        .metrics(metricsOf(broker))
        .build();
  }
}

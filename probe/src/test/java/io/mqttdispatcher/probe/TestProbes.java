package io.mqttdispatcher.probe;

import io.mqttdispatcher.probe.config.MetricsSource;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.probe.metrics.MetricNames;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.util.ArrayList;
import java.util.List;
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
    List<String> args =
        new ArrayList<>(
            List.of(
                "--broker-id=" + brokerId,
                "--endpoint=mqtt=" + broker.endpoint(),
                "--dispatcher=127.0.0.1:" + probePort,
                "--secret-file=" + TestDispatchers.file(secret),
                "--interval=1s",
                "--sys-topics"));
    if (pid != null) {
      args.add("--pid=" + pid);
    }
    broker
        .metricsUrl()
        .ifPresent(url -> args.addAll(List.of("--metrics-url=" + url, "--metrics-format=hivemq")));
    return ProbeOptions.parse(args);
  }
}

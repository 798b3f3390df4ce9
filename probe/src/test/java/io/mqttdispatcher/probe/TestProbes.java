package io.mqttdispatcher.probe;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.probe.config.ProbeOptions;
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
        .build();
  }
}

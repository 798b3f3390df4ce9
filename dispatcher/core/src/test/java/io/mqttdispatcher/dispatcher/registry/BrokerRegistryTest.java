package io.mqttdispatcher.dispatcher.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BrokerRegistryTest {
  private static final long S = 1_000_000_000L;
  private final BrokerRegistry registry =
      new BrokerRegistry(Duration.ofSeconds(5), Duration.ofSeconds(3));
  private final Object probe = new Object();

  private static ProbeMessage.Report report(double cpu, boolean healthy) {
    return new ProbeMessage.Report(
        0,
        cpu,
        0.1,
        OptionalLong.of(0),
        OptionalDouble.empty(),
        healthy,
        1,
        Map.of(Transport.MQTT, "127.0.0.1:1883"));
  }

  private BrokerView view() {
    return registry.snapshot().brokers().get(0);
  }

  @Test
  void a_broker_this_dispatcher_never_saw_leave_is_taken_as_it_reports() {
    // As after the dispatcher's own restart: the brokers' CPU is their load, busy or not.
    registry.attach("b", probe);
    registry.report("b", probe, report(0.8, true), 100 * S);

    assertThat(view().cpuSettlingAt(100 * S)).isFalse();
  }

  @Test
  void a_broker_whose_probe_left_and_came_back_settles_one_load_window_after_it_answers() {
    registry.attach("b", probe);
    registry.report("b", probe, report(0.1, true), 0);
    registry.detach("b", probe);
    Object restarted = new Object();
    registry.attach("b", restarted);
    registry.report("b", restarted, report(0.0, false), 100 * S); // broker not up yet
    assertThat(view().cpuSettlingAt(100 * S)).isFalse(); // not usable anyway

    registry.report("b", restarted, report(0.9, true), 101 * S);
    assertThat(view().cpuSettlingAt(105 * S)).isTrue();
    assertThat(view().cpuSettlingAt(106 * S)).isFalse();
  }

  @Test
  void it_settles_again_after_coming_back_healthy_or_after_its_reports_resumed() {
    registry.attach("b", probe);
    registry.report("b", probe, report(0.1, true), 0);
    registry.report("b", probe, report(0.1, false), 20 * S);
    registry.report("b", probe, report(0.9, true), 21 * S);
    assertThat(view().cpuSettlingAt(25 * S)).as("healthy again at 21 s").isTrue();
    assertThat(view().cpuSettlingAt(26 * S)).isFalse();

    registry.checkStale(40 * S); // no report for 19 s
    registry.report("b", probe, report(0.9, true), 40 * S);
    assertThat(view().cpuSettlingAt(44 * S)).as("reports resumed at 40 s").isTrue();
    assertThat(view().cpuSettlingAt(45 * S)).isFalse();
  }
}

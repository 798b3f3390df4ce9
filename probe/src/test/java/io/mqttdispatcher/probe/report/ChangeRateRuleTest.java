package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChangeRateRuleTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration HEARTBEAT = INTERVAL.multipliedBy(3);
  private static final long S = 1_000_000_000L;
  private static final ProbeMessage.Report LAST = report(0.40, 0.30, 100, 1000.0, true);

  @Test
  void with_no_threshold_every_report_is_sent() {
    ChangeRateRule rule = new ChangeRateRule(0, HEARTBEAT, INTERVAL);
    assertThat(rule.shouldSend(LAST, 0, LAST, S)).isTrue();
  }

  @Test
  void the_first_report_is_always_sent() {
    ChangeRateRule rule = new ChangeRateRule(0.1, HEARTBEAT, INTERVAL);
    assertThat(rule.shouldSend(null, 0, LAST, S)).isTrue();
  }

  @Test
  void a_small_change_is_skipped_until_the_heartbeat_is_due() {
    ChangeRateRule rule = new ChangeRateRule(0.1, HEARTBEAT, INTERVAL);
    ProbeMessage.Report slightly = report(0.45, 0.32, 105, 1050.0, true);
    assertThat(rule.shouldSend(LAST, 0, slightly, 1 * S)).isFalse();
    assertThat(rule.shouldSend(LAST, 0, slightly, 2 * S)).isFalse();
    // The third tick may come a little early; it still carries the heartbeat.
    assertThat(rule.shouldSend(LAST, 0, slightly, 3 * S - 20_000_000)).isTrue();
  }

  @Test
  void cpu_or_memory_moving_by_the_threshold_is_sent() {
    ChangeRateRule rule = new ChangeRateRule(0.1, HEARTBEAT, INTERVAL);
    assertThat(rule.shouldSend(LAST, 0, report(0.50, 0.30, 100, 1000.0, true), S)).isTrue();
    assertThat(rule.shouldSend(LAST, 0, report(0.29, 0.30, 100, 1000.0, true), S)).isTrue();
    assertThat(rule.shouldSend(LAST, 0, report(0.40, 0.41, 100, 1000.0, true), S)).isTrue();
  }

  @Test
  void connections_and_message_rate_count_relative_to_the_last_value_sent() {
    ChangeRateRule rule = new ChangeRateRule(0.1, HEARTBEAT, INTERVAL);
    assertThat(rule.shouldSend(LAST, 0, report(0.40, 0.30, 111, 1000.0, true), S)).isTrue();
    assertThat(rule.shouldSend(LAST, 0, report(0.40, 0.30, 100, 1200.0, true), S)).isTrue();
    assertThat(rule.shouldSend(LAST, 0, report(0.40, 0.30, 109, 1090.0, true), S)).isFalse();
  }

  @Test
  void health_always_goes_out_at_once() {
    ChangeRateRule rule = new ChangeRateRule(0.5, HEARTBEAT, INTERVAL);
    assertThat(rule.shouldSend(LAST, 0, report(0.40, 0.30, 100, 1000.0, false), S / 10)).isTrue();
  }

  @Test
  void sys_figures_appearing_or_disappearing_go_out_at_once() {
    ChangeRateRule rule = new ChangeRateRule(0.5, HEARTBEAT, INTERVAL);
    ProbeMessage.Report withoutSys =
        new ProbeMessage.Report(
            1,
            0.40,
            0.30,
            OptionalLong.empty(),
            OptionalDouble.empty(),
            true,
            1,
            Map.of(Transport.MQTT, "b:1883"));
    assertThat(rule.shouldSend(LAST, 0, withoutSys, S)).isTrue();
  }

  @Test
  void threshold_must_be_a_fraction() {
    assertThatThrownBy(() -> new ChangeRateRule(1.5, HEARTBEAT, INTERVAL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChangeRateRule(-0.1, HEARTBEAT, INTERVAL))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ProbeMessage.Report report(
      double cpu, double mem, long connections, double msgRate, boolean healthy) {
    return new ProbeMessage.Report(
        1,
        cpu,
        mem,
        OptionalLong.of(connections),
        OptionalDouble.of(msgRate),
        healthy,
        1,
        Map.of(Transport.MQTT, "b:1883"));
  }
}

package io.mqttdispatcher.probe.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CounterRateTest {
  private static final long S = 1_000_000_000L;

  @Test
  void rate_is_unknown_before_the_first_value_and_zero_after_only_one() {
    CounterRate rate = new CounterRate();
    assertThat(rate.rate(0)).isEmpty();
    rate.update(500, 10 * S);
    assertThat(rate.rate(10 * S)).hasValue(0);
  }

  @Test
  void rate_is_the_counter_delta_per_second() {
    CounterRate rate = new CounterRate();
    rate.update(1_000, 10 * S);
    rate.update(3_000, 11 * S);
    rate.update(5_500, 12 * S);
    assertThat(rate.rate(12 * S).getAsDouble()).isCloseTo(2_500, within(1e-9));
  }

  @Test
  void rate_drops_to_zero_when_the_broker_stops_publishing_an_unchanged_counter() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(1_000, 11 * S);
    assertThat(rate.rate(11 * S + S / 2).getAsDouble()).isEqualTo(1_000);
    assertThat(rate.rate(14 * S)).hasValue(0);
  }

  @Test
  void first_update_after_a_quiet_spell_covers_one_publishing_period() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(100, 11 * S); // learns the 1 s period
    rate.update(700, 71 * S); // quiet for a minute, then 600 messages within the last period
    assertThat(rate.rate(71 * S).getAsDouble()).isEqualTo(600);
  }

  @Test
  void an_update_that_arrives_late_does_not_shrink_the_learned_period() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(1_000, 11 * S);
    rate.update(2_000, 12 * S + 6 * S / 10); // published at 12 s, delivered 0.6 s late
    assertThat(rate.rate(12 * S + 6 * S / 10).getAsDouble()).isEqualTo(1_000);
    rate.update(3_000, 13 * S); // on time again: 0.4 s after the late one
    rate.update(4_000, 14 * S);
    rate.update(5_000, 15 * S);
    assertThat(rate.rate(13 * S).getAsDouble()).isEqualTo(1_000);
    assertThat(rate.rate(15 * S).getAsDouble()).isEqualTo(1_000);
  }

  @Test
  void a_period_of_several_seconds_is_learned_in_whole_seconds() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(10_000, 20 * S + S / 10); // sys_interval 10 s, a little jitter
    rate.update(20_000, 30 * S);
    assertThat(rate.rate(30 * S).getAsDouble()).isEqualTo(1_000);
  }

  @Test
  void a_counter_that_goes_down_means_a_restarted_broker() {
    CounterRate rate = new CounterRate();
    rate.update(10_000, 10 * S);
    rate.update(11_000, 11 * S);
    rate.update(50, 12 * S);
    assertThat(rate.rate(12 * S)).hasValue(0);
    rate.update(250, 13 * S);
    assertThat(rate.rate(13 * S).getAsDouble()).isEqualTo(200);
  }
}

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
    rate.update(500, 11 * S);
    rate.update(1_500, 12 * S);
    assertThat(rate.rate(12 * S + S / 2).getAsDouble()).isEqualTo(1_000);
    assertThat(rate.rate(15 * S)).hasValue(0);
  }

  @Test
  void first_update_after_a_quiet_spell_covers_one_publishing_period() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(50, 11 * S);
    rate.update(100, 12 * S); // learns the 1 s period
    rate.update(700, 72 * S); // quiet for a minute, then 600 messages within the last period
    assertThat(rate.rate(72 * S).getAsDouble()).isEqualTo(600);
  }

  @Test
  void an_update_that_arrives_late_does_not_shrink_the_learned_period() {
    CounterRate rate = new CounterRate();
    rate.update(0, 9 * S);
    rate.update(0, 10 * S);
    rate.update(1_000, 11 * S);
    rate.update(2_000, 12 * S + 6 * S / 10); // published at 12 s, delivered 0.6 s late
    assertThat(rate.rate(12 * S + 6 * S / 10).getAsDouble()).isEqualTo(1_000);
    rate.update(3_000, 13 * S); // on time again: 0.4 s after the late one
    assertThat(rate.rate(13 * S).getAsDouble()).isEqualTo(1_000);
    rate.update(4_000, 14 * S);
    rate.update(5_000, 15 * S);
    assertThat(rate.rate(15 * S).getAsDouble()).isEqualTo(1_000);
  }

  @Test
  void a_period_of_several_seconds_is_learned_in_whole_seconds() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    rate.update(10_000, 20 * S + S / 10); // every 10 s, a little jitter
    rate.update(20_000, 30 * S);
    assertThat(rate.rate(30 * S).getAsDouble()).isEqualTo(1_000);
  }

  @Test
  void a_counter_that_goes_down_means_a_restarted_broker() {
    CounterRate rate = new CounterRate();
    rate.update(10_000, 10 * S);
    rate.update(11_000, 11 * S);
    rate.update(12_000, 12 * S);
    rate.update(50, 13 * S);
    assertThat(rate.rate(13 * S)).hasValue(0);
    rate.update(250, 14 * S);
    assertThat(rate.rate(14 * S).getAsDouble()).isEqualTo(200);
  }

  @Test
  void the_value_sent_on_subscribing_does_not_set_the_period() {
    // Mosquitto 2.0.11 with sys_interval 1, as mosquitto_sub saw it: the retained value on
    // subscribing, then a publication every 2 s (the first one 1.03 s after subscribing).
    CounterRate rate = new CounterRate();
    rate.update(0, 54_977 * S / 1000);
    rate.update(17, 56_005 * S / 1000);
    rate.update(49, 58_009 * S / 1000);
    assertThat(rate.rate(58_009 * S / 1000).getAsDouble()).isEqualTo(16);
    rate.update(81, 60_018 * S / 1000);
    rate.update(112, 61_960 * S / 1000);
    assertThat(rate.rate(61_960 * S / 1000).getAsDouble()).isEqualTo(15.5);
  }

  @Test
  void late_and_early_updates_around_a_2_s_period_do_not_change_it() {
    CounterRate rate = new CounterRate();
    rate.update(0, 10 * S);
    long t = 11 * S;
    rate.update(0, t);
    long count = 0;
    for (int i = 1; i <= 12; i++) {
      count += 2_000; // 1000 msg/s, published every 2 s
      long jitter = i % 3 == 2 ? 7 * S / 10 : 0; // every third update 0.7 s late
      rate.update(count, t + i * 2 * S + jitter);
      assertThat(rate.rate(t + i * 2 * S + jitter).getAsDouble())
          .as("update %d", i)
          .isEqualTo(1_000);
    }
  }
}

package io.mqttdispatcher.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(200);
  private static final Duration CAP = Duration.ofSeconds(10);

  @Test
  void delays_double_from_the_initial_value_up_to_the_cap() {
    Backoff longest = new Backoff(INITIAL, CAP, () -> 0.999_999);
    assertThat(longest.delayMillis(0)).isBetween(199L, 200L);
    assertThat(longest.delayMillis(1)).isBetween(399L, 400L);
    assertThat(longest.delayMillis(5)).isBetween(6399L, 6400L);
    assertThat(longest.delayMillis(6)).isBetween(9999L, 10_000L);
    assertThat(longest.delayMillis(1_000)).isBetween(9999L, 10_000L);
  }

  @Test
  void jitter_keeps_each_delay_between_half_and_all_of_its_ceiling() {
    Backoff shortest = new Backoff(INITIAL, CAP, () -> 0.0);
    assertThat(shortest.delayMillis(0)).isEqualTo(100);
    assertThat(shortest.delayMillis(3)).isEqualTo(800);
    assertThat(shortest.delayMillis(30)).isEqualTo(5_000);
  }
}

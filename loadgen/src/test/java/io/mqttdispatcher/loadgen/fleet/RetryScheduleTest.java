package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  @Test
  void waits_double_per_failure_with_jitter_up_to_the_cap() {
    Duration cap = Duration.ofSeconds(5);
    for (int i = 0; i < 200; i++) {
      assertThat(RetrySchedule.delayMillis(1, cap)).isBetween(50L, 100L);
      assertThat(RetrySchedule.delayMillis(3, cap)).isBetween(200L, 400L);
      assertThat(RetrySchedule.delayMillis(30, cap)).isBetween(2500L, 5000L);
    }
  }
}

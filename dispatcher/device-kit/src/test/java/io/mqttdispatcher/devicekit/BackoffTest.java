package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kit's {@code Backoff} is the shared one under the kit's name; its rules are tested there. */
class BackoffTest {
  @Test
  void the_kits_backoff_waits_as_the_shared_one_does() {
    Backoff shortest = new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_CAP, () -> 0.0);
    assertThat(shortest).isInstanceOf(io.mqttdispatcher.backoff.Backoff.class);
    assertThat(shortest.delayMillis(0)).isEqualTo(100);
    assertThat(shortest.delayMillis(30)).isEqualTo(5_000);
  }
}

package io.mqttdispatcher.dispatcher.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadWindowTest {
  private static final long S = 1_000_000_000L;
  private final LoadWindow window = new LoadWindow(Duration.ofSeconds(5));

  @Test
  void mean_of_samples_within_the_window() {
    window.add(1 * S, 0.2);
    window.add(2 * S, 0.4);
    window.add(3 * S, 0.6);

    assertThat(window.mean(3 * S)).isCloseTo(0.4, within(1e-9));
  }

  @Test
  void samples_older_than_the_window_are_forgotten() {
    for (int i = 0; i <= 10; i++) {
      window.add(i * S, i < 5 ? 1.0 : 0.0); // busy for 5 s, then idle
    }

    assertThat(window.mean(10 * S)).isEqualTo(0.0);
    assertThat(window.size()).isEqualTo(6); // samples at 5..10 s
  }

  @Test
  void empty_window_has_no_mean() {
    assertThat(window.mean(0)).isNaN();
    window.add(0, 0.5);
    assertThat(window.mean(6 * S)).isNaN();
  }

  @Test
  void a_flood_of_samples_keeps_a_bounded_buffer() {
    for (int i = 0; i < 10_000; i++) {
      window.add(i, i % 2 == 0 ? 0.0 : 1.0);
    }

    assertThat(window.size()).isEqualTo(LoadWindow.CAPACITY);
    assertThat(window.mean(10_000)).isCloseTo(0.5, within(1e-9));
  }
}

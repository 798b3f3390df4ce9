package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void even_devices_give_one() {
    Spread s = Spread.of(List.of(100, 100, 100));

    assertThat(s.mean()).isEqualTo(100.0);
    assertThat(s.maxOverMean()).isEqualTo(1.0);
    assertThat(s.minOverMean()).isEqualTo(1.0);
  }

  @Test
  void every_device_on_one_of_three_brokers_gives_three() {
    Spread s = Spread.of(List.of(0, 300, 0));

    assertThat(s.maxOverMean()).isEqualTo(3.0);
    assertThat(s.minOverMean()).isZero();
  }

  @Test
  void uneven_devices_give_the_fullest_against_the_mean() {
    Spread s = Spread.of(List.of(59, 185, 56));

    assertThat(s.maxOverMean()).isCloseTo(1.85, within(1e-9));
    assertThat(s.minOverMean()).isCloseTo(0.56, within(1e-9));
  }

  @Test
  void no_device_gives_zero_ratios_and_no_broker_is_refused() {
    assertThat(Spread.of(List.of(0, 0)).maxOverMean()).isZero();
    assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}

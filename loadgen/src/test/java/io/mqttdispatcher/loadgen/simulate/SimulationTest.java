package io.mqttdispatcher.loadgen.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.policy.PolicyName;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final SimulationOptions FLEET =
      new SimulationOptions(10, 40_000, 2000, 0.01, 100, 0.6, Duration.ofSeconds(1), Duration.ofSeconds(5), 1);

  @Test
  void every_device_is_placed_and_every_message_counted() {
    SimulationResult r = new Simulation(FLEET).run(PolicyName.ROUND_ROBIN);

    assertThat(Arrays.stream(r.devices()).sum()).isEqualTo(40_000);
    assertThat(r.devices()).containsOnly(4000); // round-robin: the same count everywhere
    assertThat(Arrays.stream(r.msgRate()).sum()).isBetween(40_000 * 1.5, 40_000 * 2.5); // ~1.99 msg/s per device
  }

  @Test
  void least_load_spreads_the_fleet_more_evenly_than_the_published_rule() {
    Simulation simulation = new Simulation(FLEET);

    SimulationResult leastLoad = simulation.run(PolicyName.LEAST_LOAD);
    SimulationResult leastCpu = simulation.run(PolicyName.LEAST_CPU);

    // The published rule sends every device between two reports to the same broker (the herd).
    assertThat(leastCpu.maxOverMean()).isGreaterThan(1.15);
    assertThat(leastLoad.maxOverMean()).isLessThan(1.1);
    assertThat(leastLoad.variation()).isLessThan(leastCpu.variation() / 2);
    assertThat(leastLoad.peakMaxOverMean()).isLessThan(leastCpu.peakMaxOverMean());
  }

  @Test
  void options_are_checked_where_they_are_set() {
    assertThatThrownBy(() -> new SimulationOptions(0, 1, 1, 0, 1, 0.5, Duration.ofSeconds(1), Duration.ofSeconds(5), 1))
        .hasMessageContaining("--brokers");
    assertThatThrownBy(() -> new SimulationOptions(2, 1, 1, 2, 1, 0.5, Duration.ofSeconds(1), Duration.ofSeconds(5), 1))
        .hasMessageContaining("--heavy-share");
  }
}

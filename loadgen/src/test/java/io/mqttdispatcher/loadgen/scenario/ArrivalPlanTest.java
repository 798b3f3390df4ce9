package io.mqttdispatcher.loadgen.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalPlanTest {

  @Test
  void same_seed_gives_the_same_order_and_spacing_is_applied() {
    List<PlannedPublisher> a = ArrivalPlan.of(Presets.paper(), 42, null);
    List<PlannedPublisher> b = ArrivalPlan.of(Presets.paper(), 42, null);

    assertThat(a).isEqualTo(b);
    assertThat(a)
        .extracting(PlannedPublisher::position)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(a.get(9).arrival()).isEqualTo(Duration.ofSeconds(45));
    assertThat(a).extracting(PlannedPublisher::id).doesNotHaveDuplicates();
  }

  @Test
  void heavy_at_places_the_highest_rate_publisher() {
    for (int n : new int[] {1, 2, 4, 10}) {
      List<PlannedPublisher> plan = ArrivalPlan.of(Presets.paper(), 3, n);

      assertThat(plan.get(n - 1).id()).isEqualTo("heavy-1");
      assertThat(plan).hasSize(10);
    }
  }

  @Test
  void fixed_order_follows_the_groups() {
    Scenario fixed =
        new Scenario("f", Presets.paper().groups(), Duration.ofSeconds(1), ArrivalOrder.FIXED);

    assertThat(ArrivalPlan.of(fixed, 1, null).get(9).id()).isEqualTo("heavy-1");
    assertThat(ArrivalPlan.of(fixed, 1, null).get(0).id()).isEqualTo("normal-1");
  }

  @Test
  void heavy_at_out_of_range_is_refused() {
    assertThatThrownBy(() -> ArrivalPlan.of(Presets.paper(), 1, 11))
        .hasMessageContaining("--heavy-at must be within 1..10");
  }
}

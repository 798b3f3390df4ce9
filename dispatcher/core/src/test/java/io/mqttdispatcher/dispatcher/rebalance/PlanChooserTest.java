package io.mqttdispatcher.dispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.rebalance.PlanChooser.Candidate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanChooserTest {
  private static RebalanceRequest request(
      double abs, double rel, List<String> donors, List<String> recipients) {
    return new RebalanceRequest(500, abs, rel, Duration.ZERO, false, donors, recipients);
  }

  private static Candidate broker(String id, long connections) {
    return new Candidate(id, connections, 1, true, true);
  }

  @Test
  void a_new_empty_broker_is_the_recipient_and_the_full_ones_are_donors() throws Exception {
    PlanChooser.Choice c =
        PlanChooser.choose(
            List.of(broker("a", 5000), broker("b", 5000), broker("c", 0)),
            request(1000, 1.1, List.of(), List.of()));

    assertThat(c.donors()).containsExactly("a", "b");
    assertThat(c.recipients()).containsExactly("c");
  }

  @Test
  void brokers_within_the_thresholds_are_left_alone() {
    // EMQX's example: donors 2553 on average, recipient 2340: 2553 < 2340 * 1.1, balanced.
    assertThatThrownBy(
            () ->
                PlanChooser.choose(
                    List.of(
                        broker("a", 2553), broker("b", 2553), broker("c", 2554), broker("d", 2340)),
                    request(1000, 1.1, List.of(), List.of())))
        .isInstanceOf(PlanChooser.PlanRefused.class)
        .hasMessageContaining("already balanced");
  }

  @Test
  void capacity_divides_the_connections() throws Exception {
    // b has twice the capacity, so 2000 on b is as loaded as 1000 on a: only c is below the mean.
    PlanChooser.Choice c =
        PlanChooser.choose(
            List.of(
                new Candidate("a", 1000, 1, true, true),
                new Candidate("b", 2000, 2, true, true),
                broker("c", 0)),
            request(10, 1.0, List.of(), List.of()));

    assertThat(c.donors()).containsExactly("a", "b");
    assertThat(c.recipients()).containsExactly("c");
  }

  @Test
  void named_brokers_must_exist_and_donors_need_a_v2_probe() {
    List<Candidate> brokers =
        List.of(broker("a", 10), new Candidate("old", 100, 1, true, false), broker("c", 0));

    assertThatThrownBy(() -> PlanChooser.choose(brokers, request(0, 1, List.of("zzz"), List.of())))
        .isInstanceOfSatisfying(
            PlanChooser.PlanRefused.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(
            () -> PlanChooser.choose(brokers, request(0, 1, List.of("old"), List.of("c"))))
        .isInstanceOfSatisfying(
            PlanChooser.PlanRefused.class, e -> assertThat(e.getMessage()).contains("v1 probe"));
    assertThatThrownBy(() -> PlanChooser.choose(brokers, request(0, 1, List.of("a"), List.of("a"))))
        .hasMessageContaining("both donor and recipient");
  }

  @Test
  void thresholds_follow_the_emqx_rule() {
    assertThat(PlanChooser.withinThresholds(2553, 2340, 1000, 1.1)).isTrue(); // below mean + 1000
    assertThat(PlanChooser.withinThresholds(5000, 2340, 1000, 1.1)).isFalse();
    assertThat(PlanChooser.withinThresholds(2500, 2340, 0, 1.1)).isTrue(); // below mean * 1.1
    assertThat(PlanChooser.withinThresholds(2600, 2340, 0, 1.1)).isFalse();
  }
}

package io.mqttdispatcher.dispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger.Decision;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger.Load;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger.Settings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutomaticTriggerTest {
  private static final long S = 1_000_000_000L;
  private static final Settings SETTINGS =
      new Settings(Duration.ofSeconds(10), Duration.ofSeconds(60), 50, 1.2, 0.5, 20);
  private static final List<Load> SKEWED =
      List.of(new Load("a", 300), new Load("b", 300), new Load("c", 0));
  private static final List<Load> EVEN =
      List.of(new Load("a", 200), new Load("b", 205), new Load("c", 195));

  @Test
  void starts_only_after_the_imbalance_lasted_the_sustain_time() {
    AutomaticTrigger trigger = new AutomaticTrigger(SETTINGS);
    assertThat(trigger.tick(0, SKEWED, false)).isEqualTo(Decision.WAITING);
    assertThat(trigger.tick(9 * S, SKEWED, false)).isEqualTo(Decision.WAITING);
    assertThat(trigger.imbalancedFor(9 * S)).isEqualTo(Duration.ofSeconds(9));
    assertThat(trigger.tick(10 * S, SKEWED, false)).isEqualTo(Decision.START);
  }

  @Test
  void a_short_imbalance_resets_the_timer() {
    AutomaticTrigger trigger = new AutomaticTrigger(SETTINGS);
    trigger.tick(0, SKEWED, false);
    assertThat(trigger.tick(8 * S, EVEN, false)).isEqualTo(Decision.BALANCED);
    assertThat(trigger.tick(9 * S, SKEWED, false)).isEqualTo(Decision.WAITING);
    assertThat(trigger.tick(18 * S, SKEWED, false)).isEqualTo(Decision.WAITING);
    assertThat(trigger.tick(19 * S, SKEWED, false)).isEqualTo(Decision.START);
  }

  @Test
  void never_starts_while_a_plan_runs_nor_within_the_cool_down_after_it_ends() {
    AutomaticTrigger trigger = new AutomaticTrigger(SETTINGS);
    trigger.tick(0, SKEWED, false);
    assertThat(trigger.tick(10 * S, SKEWED, false)).isEqualTo(Decision.START);
    trigger.started(10 * S);
    assertThat(trigger.tick(11 * S, SKEWED, true)).isEqualTo(Decision.RUNNING);
    assertThat(trigger.tick(100 * S, SKEWED, true)).isEqualTo(Decision.RUNNING);
    // The plan ended at 101 s, the imbalance came back (devices arrived): 10 s to last, 60 s after
    // the end.
    assertThat(trigger.tick(101 * S, SKEWED, false)).isEqualTo(Decision.WAITING);
    assertThat(trigger.tick(111 * S, SKEWED, false)).isEqualTo(Decision.COOLING_DOWN);
    assertThat(trigger.tick(160 * S, SKEWED, false)).isEqualTo(Decision.COOLING_DOWN);
    assertThat(trigger.tick(161 * S, SKEWED, false)).isEqualTo(Decision.START);
  }

  @Test
  void a_plan_an_operator_started_counts_for_the_cool_down() {
    AutomaticTrigger trigger = new AutomaticTrigger(SETTINGS);
    trigger.started(0);
    trigger.tick(1 * S, SKEWED, false);
    assertThat(trigger.tick(30 * S, SKEWED, false)).isEqualTo(Decision.COOLING_DOWN);
    assertThat(trigger.tick(60 * S, SKEWED, false)).isEqualTo(Decision.START);
  }

  @Test
  void what_a_plan_leaves_at_its_stop_thresholds_does_not_start_the_next() {
    // The plan stops once the donor is within 25 connections or 1.1 times of the recipients' mean.
    assertThat(SETTINGS.stopAbsThreshold()).isEqualTo(25);
    assertThat(SETTINGS.stopRelThreshold())
        .isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
    List<Load> leftByPlan = List.of(new Load("a", 224), new Load("b", 200), new Load("c", 200));
    assertThat(
            PlanChooser.withinThresholds(
                224, 200, SETTINGS.stopAbsThreshold(), SETTINGS.stopRelThreshold()))
        .isTrue();
    AutomaticTrigger trigger = new AutomaticTrigger(SETTINGS);
    for (long t = 0; t <= 600; t += 5) {
      assertThat(trigger.tick(t * S, leftByPlan, false)).isEqualTo(Decision.BALANCED);
    }
  }

  @Test
  void imbalance_needs_both_thresholds_exceeded() {
    // 55 above the others: past the absolute threshold (50) but under the relative one (1.2 x 300 =
    // 360)...
    assertThat(
            AutomaticTrigger.imbalanced(
                List.of(new Load("a", 355), new Load("b", 300), new Load("c", 300)), 50, 1.2))
        .isFalse();
    // ... 40% above but only 40 connections: under the absolute one.
    assertThat(
            AutomaticTrigger.imbalanced(List.of(new Load("a", 140), new Load("b", 100)), 50, 1.2))
        .isFalse();
    assertThat(
            AutomaticTrigger.imbalanced(
                List.of(new Load("a", 400), new Load("b", 300), new Load("c", 300)), 50, 1.2))
        .isTrue();
    assertThat(AutomaticTrigger.imbalanced(List.of(new Load("a", 400)), 0, 1)).isFalse();
    assertThat(AutomaticTrigger.imbalanced(List.of(), 0, 1)).isFalse();
  }

  @Test
  void refuses_settings_that_could_not_stop_inside_the_start_bound() {
    assertThatThrownBy(
            () -> new Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 10, 1.1, 0, 20))
        .hasMessageContaining("stop factor");
    assertThatThrownBy(
            () -> new Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 10, 0.9, 0.5, 20))
        .hasMessageContaining("relative");
  }
}

package io.mqttdispatcher.dispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance.Action;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance.Decision;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance.Load;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance.Move;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance.State;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The decisions of automatic mode by load, fed with reports as the dispatcher sees them: one tick a
 * second, message rates per broker, and the move plans the probes report.
 */
class TrafficBalanceTest {
  private static final long S = 1_000_000_000L;

  private final TrafficBalance.Settings settings =
      new TrafficBalance.Settings(
          Duration.ofSeconds(3), Duration.ofSeconds(30), 0.25, 50, Duration.ofSeconds(4), 3, 20);
  private final DeviceWeights weights = new DeviceWeights(100);
  private final TrafficBalance balance = new TrafficBalance(settings, weights);
  private long now = 1000 * S;

  private Decision tick(@Nullable Move move, double... rates) {
    return tickAt(move, false, rates);
  }

  private Decision tickAt(@Nullable Move move, boolean otherPlan, double... rates) {
    Load[] loads = new Load[rates.length];
    for (int i = 0; i < rates.length; i++) {
      loads[i] = new Load("b" + (i + 1), rates[i], true);
    }
    Decision d = balance.tick(now, List.of(loads), true, move, otherPlan);
    now += S;
    return d;
  }

  /** Ticks with the same rates until a move is asked for, at most {@code max} ticks. */
  private Decision untilMove(int max, double... rates) {
    Decision d = tick(null, rates);
    for (int i = 1; i < max && d.action() != Action.MOVE; i++) {
      d = tick(null, rates);
    }
    return d;
  }

  @Test
  void brokers_within_the_threshold_never_move_anything() {
    for (int i = 0; i < 60; i++) {
      Decision d = tick(null, 10_000, 9_000, 8_500); // spread 1500 < 0.25 x mean 9167
      assertThat(d.action()).isEqualTo(Action.NONE);
      assertThat(d.state()).isEqualTo(State.BALANCED);
    }
  }

  @Test
  void idle_noise_never_counts_as_imbalance() {
    for (int i = 0; i < 30; i++) {
      assertThat(tick(null, 40, 0).action()).isEqualTo(Action.NONE); // 40 msg/s: under the floor
    }
  }

  @Test
  void a_lasting_imbalance_moves_one_device_off_the_hottest_broker_after_the_sustain_time() {
    // The light publisher placed beside the heavy one: 12000 / 8000 / 8000.
    Decision first = tick(null, 8_000, 12_000, 8_000);
    assertThat(first.state()).isEqualTo(State.WAITING);
    assertThat(tick(null, 8_000, 12_000, 8_000).action()).isEqualTo(Action.NONE);
    assertThat(tick(null, 8_000, 12_000, 8_000).action()).isEqualTo(Action.NONE);

    Decision d = tick(null, 8_000, 12_000, 8_000);

    assertThat(d.action()).isEqualTo(Action.MOVE);
    assertThat(d.donor()).isEqualTo("b2");
    assertThat(d.recipient()).isIn("b1", "b3");
    assertThat(d.skip()).isEmpty();
  }

  @Test
  void a_short_imbalance_resets_the_wait() {
    tick(null, 8_000, 12_000);
    tick(null, 8_000, 12_000);
    // Decisions see the median of the last 3 reports: one balanced report changes nothing, two do.
    assertThat(tick(null, 10_000, 10_000).state()).isEqualTo(State.WAITING);
    assertThat(tick(null, 10_000, 10_000).state()).isEqualTo(State.BALANCED);
    assertThat(tick(null, 8_000, 12_000).state()).isEqualTo(State.BALANCED);
    assertThat(tick(null, 8_000, 12_000).state()).isEqualTo(State.WAITING);
    assertThat(tick(null, 8_000, 12_000).state()).isEqualTo(State.WAITING);
    assertThat(tick(null, 8_000, 12_000).state()).isEqualTo(State.WAITING);
    assertThat(tick(null, 8_000, 12_000).action()).isEqualTo(Action.MOVE);
  }

  @Test
  void the_moved_device_is_weighed_by_the_drop_on_the_broker_it_left() {
    Decision d = untilMove(10, 8_000, 12_000, 8_000);
    assertThat(d.action()).isEqualTo(Action.MOVE);
    balance.asked(now);

    // The plan appears in the reports, then names the moved device; the donor drops by 2000.
    assertThat(tick(new Move("r-1", "b2", true, List.of()), 8_000, 12_000, 8_000).state())
        .isEqualTo(State.MOVING);
    assertThat(tick(new Move("r-1", "b2", true, List.of("light-3")), 8_000, 12_000, 8_000).state())
        .isEqualTo(State.SETTLING);
    Move done = new Move("r-1", "b2", false, List.of("light-3"));
    for (int i = 0; i < 3; i++) {
      assertThat(tick(done, 10_000, 10_000, 8_000).state()).isEqualTo(State.SETTLING);
    }
    tick(done, 10_000, 10_000, 8_000); // settled: weighed at this tick

    assertThat(weights.weight("light-3")).hasValue(2_000);
    assertThat(balance.lastWeighing()).isNotNull();
    assertThat(balance.lastWeighing().gained()).isTrue();
  }

  @Test
  void a_device_whose_known_weight_would_not_narrow_the_spread_is_skipped() {
    weights.learned("heavy-1", 10_000); // moving it from 12000 to 8000 makes 2000 / 18000
    weights.learned("light-3", 2_000); // moving it gives 10000 / 10000 / 8000: narrower
    weights.learned("idle-9", 0); // moving it changes nothing

    Decision d = untilMove(10, 8_000, 12_000, 8_000);

    assertThat(d.action()).isEqualTo(Action.MOVE);
    assertThat(d.skip()).containsExactlyInAnyOrder("heavy-1", "idle-9");
  }

  @Test
  void moves_stop_after_three_that_did_not_narrow_the_spread_and_wait_for_the_cool_down() {
    double[] rates = {8_000, 12_000, 8_000};
    for (int m = 1; m <= 3; m++) {
      Decision d = untilMove(10, rates);
      assertThat(d.action()).as("move %d", m).isEqualTo(Action.MOVE);
      balance.asked(now);
      String plan = "r-" + m;
      tick(new Move(plan, "b2", true, List.of()), rates);
      tick(new Move(plan, "b2", true, List.of("idle-" + m)), rates); // a device that sends nothing
      for (int i = 0; i < 5; i++) {
        tick(new Move(plan, "b2", false, List.of("idle-" + m)), rates);
      }
    }
    assertThat(weights.weight("idle-3")).hasValue(0);

    // Still imbalanced, but three moves gained nothing: nothing moves during the cool-down.
    for (int i = 0; i < 28; i++) { // the cool-down counts from the third weighing, a tick ago
      Decision d = tick(new Move("r-3", "b2", false, List.of("idle-3")), rates);
      assertThat(d.action()).as("tick %d of the cool-down", i).isEqualTo(Action.NONE);
    }
    Decision after = untilMove(10, rates);
    assertThat(after.action()).isEqualTo(Action.MOVE);
    assertThat(after.skip()).contains("idle-1", "idle-2", "idle-3");
  }

  @Test
  void moves_stop_within_the_threshold_and_a_new_episode_waits_for_the_sustain_and_the_cool_down() {
    untilMove(10, 8_000, 12_000);
    balance.asked(now);
    tick(new Move("r-1", "b2", true, List.of()), 8_000, 12_000);
    tick(new Move("r-1", "b2", true, List.of("light-1")), 8_000, 12_000);
    Move done = new Move("r-1", "b2", false, List.of("light-1"));
    Decision d = null;
    for (int i = 0; i < 5; i++) {
      d = tick(done, 9_000, 11_000); // spread 2000: within the threshold (2500)
    }
    assertThat(d.state()).isEqualTo(State.BALANCED);
    for (int i = 0; i < 10; i++) {
      assertThat(tick(done, 9_000, 11_000).action()).isEqualTo(Action.NONE);
    }
    // Imbalanced again 11 s after the episode ended: the sustain time passes, the cool-down not.
    for (int i = 0; i < 18; i++) {
      assertThat(tick(done, 8_000, 12_000).action()).as("tick %d", i).isEqualTo(Action.NONE);
    }
    assertThat(untilMove(3, 8_000, 12_000).action()).isEqualTo(Action.MOVE);
  }

  @Test
  void nothing_moves_while_another_plan_runs_or_a_move_is_in_flight() {
    for (int i = 0; i < 10; i++) {
      assertThat(tickAt(null, true, 8_000, 12_000).state()).isEqualTo(State.RUNNING);
    }
    Decision d = untilMove(10, 8_000, 12_000);
    assertThat(d.action()).isEqualTo(Action.MOVE);
    balance.asked(now);
    // The plan is not in the reports yet: no second request.
    assertThat(tick(null, 8_000, 12_000).action()).isEqualTo(Action.NONE);
    assertThat(tick(null, 8_000, 12_000).action()).isEqualTo(Action.NONE);
  }

  @Test
  void another_replicas_move_is_followed_and_weighed_here_too() {
    tick(null, 8_000, 12_000);
    // A move this replica did not ask for shows up in the donor's reports.
    assertThat(tick(new Move("r-9", "b2", true, List.of()), 8_000, 12_000).action())
        .isEqualTo(Action.NONE);
    tick(new Move("r-9", "b2", true, List.of("light-7")), 8_000, 12_000);
    for (int i = 0; i < 5; i++) {
      tick(new Move("r-9", "b2", false, List.of("light-7")), 9_000, 11_000);
    }
    assertThat(weights.weight("light-7")).hasValue(1_000); // 12000 before, 11000 after
  }

  @Test
  void a_move_that_found_nothing_to_move_ends_the_episode() {
    untilMove(10, 8_000, 12_000);
    balance.asked(now);
    tick(new Move("r-1", "b2", true, List.of()), 8_000, 12_000);
    tick(new Move("r-1", "b2", false, List.of()), 8_000, 12_000); // done, nothing moved
    for (int i = 0; i < 29; i++) {
      assertThat(tick(new Move("r-1", "b2", false, List.of()), 8_000, 12_000).action())
          .isEqualTo(Action.NONE);
    }
  }

  @Test
  void a_hottest_broker_that_cannot_move_devices_is_left_alone() {
    for (int i = 0; i < 10; i++) {
      Decision d =
          balance.tick(
              now,
              List.of(new Load("b1", 8_000, true), new Load("b2", 12_000, false)),
              true,
              null,
              false);
      now += S;
      assertThat(d.action()).isEqualTo(Action.NONE);
    }
  }

  @Test
  void a_hottest_broker_with_a_single_client_is_not_asked_to_move_it() {
    for (int i = 0; i < 40; i++) {
      Decision d =
          balance.tick(
              now,
              List.of(new Load("b1", 300, true, 3), new Load("b2", 400, true, 1)),
              true,
              null,
              false);
      now += S;
      assertThat(d.action()).as("tick %d", i).isEqualTo(Action.NONE);
    }
  }

  @Test
  void one_report_that_reads_high_at_the_weighing_does_not_move_the_next_device() {
    // A light publisher beside the heavy one is moved: 500 / 200 becomes 400 / 340, within the
    // threshold. At the weighing one report reads 470 / 290 (a publisher catching up, a counter
    // published late): taken alone it is above the threshold and would move the heavy publisher.
    assertThat(untilMove(10, 500, 200).donor()).isEqualTo("b1");
    balance.asked(now);
    tick(new Move("r-1", "b1", true, List.of()), 500, 200);
    tick(new Move("r-1", "b1", true, List.of("light-1")), 500, 200);
    Move done = new Move("r-1", "b1", false, List.of("light-1"));
    for (int i = 0; i < 3; i++) {
      assertThat(tick(done, 400, 340).state()).isEqualTo(State.SETTLING);
    }

    Decision atWeighing = tick(done, 470, 290);

    assertThat(weights.weight("light-1")).hasValue(100);
    assertThat(atWeighing.action()).isEqualTo(Action.NONE);
    for (int i = 0; i < 10; i++) {
      assertThat(tick(done, 400, 340).action()).as("tick %d after", i).isEqualTo(Action.NONE);
    }
  }

  @Test
  void a_hottest_broker_with_one_client_and_a_passing_second_one_is_not_asked_to_move() {
    // Every fifth report counts a client that was there for a moment (the probe's health check).
    for (int i = 0; i < 40; i++) {
      long clients = i % 5 == 3 ? 2 : 1;
      Decision d =
          balance.tick(
              now,
              List.of(new Load("b1", 400, true, clients), new Load("b2", 250, true, 3)),
              true,
              null,
              false);
      now += S;
      assertThat(d.action()).as("tick %d", i).isEqualTo(Action.NONE);
    }
  }

  @Test
  void without_message_rates_nothing_moves() {
    for (int i = 0; i < 10; i++) {
      Decision d =
          balance.tick(
              now,
              List.of(new Load("b1", 8_000, true), new Load("b2", 12_000, true)),
              false,
              null,
              false);
      now += S;
      assertThat(d.state()).isEqualTo(State.NO_RATES);
    }
  }

  @Test
  void the_spread_after_a_move_counts_every_broker() {
    List<Load> loads =
        List.of(
            new Load("a", 8_000, true), new Load("b", 12_000, true), new Load("c", 8_000, true));
    assertThat(TrafficBalance.spreadAfterMove(loads, "b", "a", 2_000)).isEqualTo(2_000);
    assertThat(TrafficBalance.spreadAfterMove(loads, "b", "a", 10_000)).isEqualTo(16_000);
  }

  @Test
  void the_weight_table_is_bounded() {
    DeviceWeights table = new DeviceWeights(3);
    for (int i = 0; i < 10; i++) {
      table.learned("d-" + i, i);
    }
    assertThat(table.size()).isEqualTo(3);
    assertThat(table.weight("d-0")).isEmpty();
    assertThat(table.weight("d-9")).hasValue(9);
  }
}

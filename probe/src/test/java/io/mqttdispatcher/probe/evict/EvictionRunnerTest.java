package io.mqttdispatcher.probe.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.ProbeMessage.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvictionRunnerTest {
  private static final long TICK = EvictionRunner.TICK.toNanos();

  private final ProbeControl control = new ProbeControl(() -> {});
  private final KnownClients known = new KnownClients(100);
  private final List<String> taken = new ArrayList<>();

  /** The broker's $SYS count as the probe last received it. */
  private OptionalLong count = OptionalLong.empty();

  private final EvictionRunner runner =
      new EvictionRunner(
          control,
          known,
          new Evictor() {
            @Override
            public CompletableFuture<Void> evict(String clientId) {
              taken.add(clientId);
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {}
          },
          () -> count);

  @AfterEach
  void close() {
    runner.close();
  }

  private void evacuate(double rate) {
    control.apply(
        Command.evict(
            "c-1",
            new EvictionPlan(
                "e-1", PlanKind.EVACUATE, rate, 0, false, 0, 1.0, List.of("b0"), List.of())));
  }

  @Test
  void a_zero_count_that_contradicts_known_devices_does_not_end_an_evacuation() {
    known.connected("device-0", false);
    known.connected("device-1", false);
    known.connected("device-2", false);
    count = OptionalLong.of(0); // published before the devices connected, not yet updated
    evacuate(20);

    long now = System.nanoTime();
    runner.step(now);

    assertThat(control.state().plan().state()).isEqualTo(PlanState.EVICTING);
    for (int i = 1; i <= 40 && control.state().plan().state() == PlanState.EVICTING; i++) {
      runner.step(now + i * TICK);
    }
    assertThat(taken).containsExactly("device-0", "device-1", "device-2");
    assertThat(control.state().plan().state()).isEqualTo(PlanState.DONE);
    assertThat(control.state().plan().reason()).isEqualTo("the broker has no connection left");
    assertThat(control.state().plan().evicted()).isEqualTo(3);
  }

  @Test
  void a_zero_count_with_no_movable_device_known_ends_an_evacuation_at_once() {
    known.connected("keeps-a-session", true); // not movable by this plan
    count = OptionalLong.of(0);
    evacuate(20);

    runner.step(System.nanoTime());

    assertThat(control.state().plan().state()).isEqualTo(PlanState.DONE);
    assertThat(control.state().plan().reason()).isEqualTo("the broker has no connection left");
    assertThat(taken).isEmpty();
  }

  @Test
  void without_a_count_an_evacuation_ends_when_nothing_movable_is_left_for_a_while() {
    evacuate(20);
    long now = System.nanoTime();

    runner.step(now);
    runner.step(now + TICK);
    assertThat(control.state().plan().state()).isEqualTo(PlanState.EVICTING);
    runner.step(
        now
            + TICK
            + EvictionRunner.NOTHING_LEFT_AFTER.toNanos()
            + TimeUnit.MILLISECONDS.toNanos(1));

    assertThat(control.state().plan().state()).isEqualTo(PlanState.DONE);
    assertThat(control.state().plan().reason()).isEqualTo("no movable device known on this broker");
  }

  @Test
  void a_one_device_plan_moves_the_newest_movable_device_not_skipped_names_it_and_holds() {
    known.connected("heavy-1", false);
    known.connected("light-2", false);
    known.connected("light-3", false);
    known.connected("meter-4", true); // keeps a session: never moved by this plan
    control.apply(
        Command.evict(
            "c-1",
            new EvictionPlan(
                "r-1",
                PlanKind.REBALANCE,
                100, // a token at the first tick; the limit, not the rate, stops it
                0,
                false,
                0,
                1,
                List.of("b0"),
                List.of("b1"),
                1,
                2000,
                true,
                List.of("light-3"))));
    long now = System.nanoTime();

    for (int i = 0; i < 30; i++) { // 1.5 s: within the hold
      runner.step(now + i * TICK);
    }

    assertThat(taken).containsExactly("light-2");
    assertThat(control.state().plan().moved()).containsExactly("light-2");
    assertThat(control.state().plan().state())
        .as("the donor stays out of placement while the device lands elsewhere")
        .isEqualTo(PlanState.EVICTING);
    for (int i = 30; i < 60; i++) {
      runner.step(now + i * TICK);
    }
    assertThat(control.state().plan().state()).isEqualTo(PlanState.DONE);
    assertThat(control.state().plan().reason()).isEqualTo("moved 1 of 1 devices");
    assertThat(taken).containsExactly("light-2");
  }
}

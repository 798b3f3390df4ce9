package io.mqttdispatcher.probe.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.protocol.CommandOp;
import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.ProbeMessage.Ack;
import io.mqttdispatcher.protocol.ProbeMessage.Command;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbeControlTest {
  private final AtomicInteger reports = new AtomicInteger();
  private final ProbeControl control = new ProbeControl(reports::incrementAndGet);

  private static EvictionPlan plan(String id, PlanKind kind, long waitMillis) {
    return new EvictionPlan(id, kind, 100, waitMillis, false, 10, 1.1, List.of("a"), List.of("b"));
  }

  @Test
  void drain_is_carried_and_every_change_is_reported_at_once() {
    Ack ack = control.apply(Command.of("c-1", CommandOp.DRAIN));

    assertThat(ack.ok()).isTrue();
    assertThat(ack.state().draining()).isTrue();
    assertThat(reports).hasValue(1);
    control.apply(
        Command.of("c-2", CommandOp.DRAIN)); // from another replica: no change, no extra report
    assertThat(reports).hasValue(1);
    assertThat(control.apply(Command.of("c-3", CommandOp.UNDRAIN)).state().draining()).isFalse();
  }

  @Test
  void a_plan_waits_then_any_replica_may_repeat_it_but_not_start_another() {
    EvictionPlan r1 = plan("r-1", PlanKind.REBALANCE, 60_000);

    Ack first = control.apply(Command.evict("c-1", r1));
    Ack again = control.apply(Command.evict("c-9", r1));
    Ack other = control.apply(Command.evict("c-2", plan("r-2", PlanKind.REBALANCE, 0)));

    assertThat(first.ok()).isTrue();
    assertThat(first.state().plan().state()).isEqualTo(PlanState.WAITING);
    assertThat(first.state().refusesNewDevices())
        .as("a donor gets no new devices while it waits")
        .isTrue();
    assertThat(again.ok()).isTrue();
    assertThat(other.ok()).isFalse();
    assertThat(other.reason()).contains("r-1");
  }

  @Test
  void stop_as_done_from_two_replicas_is_taken_once() {
    control.apply(Command.evict("c-1", plan("r-1", PlanKind.REBALANCE, 0)));

    Ack done = control.apply(Command.stop("c-2", "r-1", PlanState.DONE));
    Ack late = control.apply(Command.stop("c-3", "r-1", PlanState.STOPPED));

    assertThat(done.state().plan().state()).isEqualTo(PlanState.DONE);
    assertThat(late.ok()).isTrue();
    assertThat(late.state().plan().state()).as("the first word wins").isEqualTo(PlanState.DONE);
    assertThat(control.apply(Command.stop("c-4", "r-7", PlanState.STOPPED)).ok()).isFalse();
  }

  @Test
  void evacuation_drains_and_undrain_ends_it() {
    Ack ack = control.apply(Command.evict("c-1", plan("e-1", PlanKind.EVACUATE, 0)));

    assertThat(ack.state().draining()).isTrue();
    assertThat(ack.state().plan().state()).isEqualTo(PlanState.EVICTING);
    Ack undrained = control.apply(Command.of("c-2", CommandOp.UNDRAIN));
    assertThat(undrained.state().plan().state()).isEqualTo(PlanState.STOPPED);
    assertThat(undrained.state().refusesNewDevices()).isFalse();
  }

  @Test
  void losing_every_dispatcher_fails_the_running_plan_and_keeps_the_drain() {
    control.apply(Command.of("c-0", CommandOp.DRAIN));
    control.apply(Command.evict("c-1", plan("r-1", PlanKind.REBALANCE, 0)));

    control.dispatchersLost();

    assertThat(control.state().plan().state()).isEqualTo(PlanState.FAILED);
    assertThat(control.state().plan().reason()).isEqualTo("lost every dispatcher");
    assertThat(control.state().draining()).isTrue();
  }
}

package io.mqttdispatcher.probe.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.protocol.CommandOp;
import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.ProbeMessage.Command;
import io.mqttdispatcher.protocol.ProbeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A probe's standing survives its restart through the state file. */
class StateFileTest {
  @TempDir Path dir;

  private static EvictionPlan plan(String id, PlanKind kind) {
    return new EvictionPlan(id, kind, 100, 0, false, 10, 1.1, List.of("a"), List.of("b"));
  }

  /** A probe's control wired as the probe wires it: every change saved. */
  private ProbeControl control(StateFile file) {
    ProbeControl[] self = new ProbeControl[1];
    self[0] = new ProbeControl(() -> file.save(self[0].state()));
    file.load().ifPresent(self[0]::restore);
    return self[0];
  }

  @Test
  void a_drain_holds_after_a_restart_and_a_running_plan_ends_as_failed() {
    StateFile file = new StateFile(dir.resolve("probe-state.json"));
    ProbeControl before = control(file);
    before.apply(Command.evict("c-1", plan("e-1", PlanKind.EVACUATE)));
    assertThat(before.state().draining()).isTrue();
    assertThat(before.state().plan().state().active()).isTrue();

    ProbeControl after = control(new StateFile(dir.resolve("probe-state.json")));

    ProbeState restored = after.state();
    assertThat(restored.draining()).isTrue();
    assertThat(restored.plan().plan().id()).isEqualTo("e-1");
    assertThat(restored.plan().state()).isEqualTo(PlanState.FAILED);
    assertThat(restored.plan().reason()).contains("restarted");
    assertThat(after.apply(Command.of("c-2", CommandOp.UNDRAIN)).state().draining()).isFalse();
    assertThat(new StateFile(dir.resolve("probe-state.json")).load().orElseThrow().draining())
        .as("the undrain is saved too")
        .isFalse();
  }

  @Test
  void no_file_or_a_broken_one_starts_without_a_standing_and_no_temporary_file_is_left()
      throws Exception {
    Path path = dir.resolve("probe-state.json");
    assertThat(new StateFile(path).load()).isEmpty();

    Files.writeString(path, "{\"draining\": tru");
    assertThat(new StateFile(path).load()).isEmpty();

    new StateFile(path).save(new ProbeState(true, null));
    assertThat(new StateFile(path).load().orElseThrow().draining()).isTrue();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("probe-state.json");
    }
  }
}

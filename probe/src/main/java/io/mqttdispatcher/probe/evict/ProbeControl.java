package io.mqttdispatcher.probe.evict;

import io.mqttdispatcher.protocol.CommandOp;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.PlanStatus;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProbeState;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's standing as this probe carries it to every dispatcher (protocol v2): draining, and
 * the eviction plan it runs or last ran. Commands from any dispatcher change it; every change is
 * reported to all of them at once through {@code onChange}. Thread-safe.
 */
public final class ProbeControl {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeControl.class);

  private final Runnable onChange;
  private boolean draining;
  private @Nullable PlanStatus plan;
  private long acceptedNanos;

  /**
   * @param onChange called after every change of state, outside any lock the caller holds
   */
  public ProbeControl(Runnable onChange) {
    this.onChange = onChange;
  }

  /**
   * Takes the standing a previous run of this probe saved: its drain holds, and a plan that was
   * running ends as failed (its devices' moves were not watched while the probe was down), which
   * every dispatcher then sees in the reports. Call before the probe starts reporting.
   */
  public void restore(ProbeState saved) {
    synchronized (this) {
      draining = saved.draining();
      plan = saved.plan();
      if (plan != null && plan.state().active()) {
        end(PlanState.FAILED, "the probe restarted while the plan ran");
      }
      LOG.info(
          "restored from the state file: {}{}",
          draining ? "draining" : "not draining",
          plan == null ? "" : ", plan " + plan.plan().id() + " " + plan.state().wireName());
    }
    onChange.run();
  }

  /** The state to put in the next report. */
  public synchronized ProbeState state() {
    return new ProbeState(draining, plan);
  }

  /** Applies {@code command}, whichever dispatcher sent it; the ack carries the resulting state. */
  public ProbeMessage.Ack apply(ProbeMessage.Command command) {
    ProbeMessage.Ack ack;
    boolean changed;
    synchronized (this) {
      ProbeState before = state();
      String refusal = applyLocked(command);
      ProbeState after = state();
      changed = !after.equals(before);
      ack =
          new ProbeMessage.Ack(
              command.id(), refusal == null, refusal == null ? "" : refusal, after);
    }
    if (changed) {
      onChange.run();
    }
    return ack;
  }

  private @Nullable String applyLocked(ProbeMessage.Command command) {
    PlanStatus current = plan;
    boolean running = current != null && current.state().active();
    switch (command.op()) {
      case DRAIN -> setDraining(true);
      case UNDRAIN -> {
        setDraining(false);
        if (current != null && running && current.plan().kind() == PlanKind.EVACUATE) {
          end(PlanState.STOPPED, "undrained");
        }
      }
      case REBALANCE, EVACUATE -> {
        var next =
            Objects.requireNonNull(
                command.plan(), "a rebalance or evacuate command carries a plan");
        if (current != null && running) {
          return current.plan().id().equals(next.id())
              ? null
              : current.plan().kind().wireName()
                  + " plan "
                  + current.plan().id()
                  + " is "
                  + current.state().wireName()
                  + " on this broker; stop it first";
        }
        if (command.op() == CommandOp.EVACUATE) {
          setDraining(true);
        }
        acceptedNanos = System.nanoTime();
        plan =
            new PlanStatus(
                next.waitMillis() > 0 ? PlanState.WAITING : PlanState.EVICTING,
                next,
                0,
                0,
                List.of(),
                "");
        LOG.info(
            "{} plan {} accepted: {} devices/s{}{}",
            next.kind().wireName(),
            next.id(),
            next.rate(),
            next.waitMillis() > 0 ? ", evicting in " + next.waitMillis() / 1000.0 + " s" : "",
            next.includeSessions() ? ", devices with a session included" : "");
      }
      case STOP -> {
        String planId = command.planId();
        if (current != null && running && (planId == null || planId.equals(current.plan().id()))) {
          end(
              Objects.requireNonNullElse(command.outcome(), PlanState.STOPPED),
              command.outcome() == PlanState.DONE
                  ? "within the thresholds"
                  : "stopped by an operator");
        } else if (current == null || (planId != null && !planId.equals(current.plan().id()))) {
          return "no plan " + (planId == null ? "" : planId + " ") + "runs here";
        }
        // Already ended: another replica said it first. Nothing to do.
      }
      default -> throw new IllegalStateException("unknown op " + command.op());
    }
    return null;
  }

  private void setDraining(boolean on) {
    if (draining != on) {
      draining = on;
      LOG.info(
          "broker {} (every dispatcher told)",
          on ? "draining: no new devices" : "no longer draining");
    }
  }

  /** The plan that may evict now or soon, or null. */
  synchronized @Nullable PlanStatus running() {
    return plan != null && plan.state().active() ? plan : null;
  }

  /** Nanos since the running plan was accepted. */
  synchronized long sinceAcceptedNanos(long nowNanos) {
    return nowNanos - acceptedNanos;
  }

  /** Moves plan {@code id} from waiting to evicting. */
  void startEvicting(String id) {
    update(
        id,
        s ->
            s.state() == PlanState.WAITING
                ? new PlanStatus(
                    PlanState.EVICTING,
                    s.plan(),
                    s.evicted(),
                    s.skipped(),
                    s.remaining(),
                    "",
                    s.moved())
                : s,
        true);
  }

  /**
   * Counts one device moved off under plan {@code id}. A plan with a device limit also names it in
   * {@code moved} and reports at once: automatic mode weighs that device by the drop that follows.
   */
  void evicted(String id, String clientId) {
    boolean limited;
    synchronized (this) {
      limited = plan != null && plan.plan().maxDevices() > 0;
    }
    update(
        id,
        s -> {
          List<String> moved = s.moved();
          if (limited) {
            moved = new java.util.ArrayList<>(moved);
            moved.add(clientId);
          }
          return new PlanStatus(
              s.state(), s.plan(), s.evicted() + 1, s.skipped(), s.remaining(), s.reason(), moved);
        },
        limited);
  }

  /** Records how many devices are left alone because they keep a session. */
  void skipped(String id, long skipped) {
    update(
        id,
        s ->
            s.skipped() == skipped
                ? s
                : new PlanStatus(
                    s.state(),
                    s.plan(),
                    s.evicted(),
                    skipped,
                    s.remaining(),
                    s.reason(),
                    s.moved()),
        false);
  }

  /**
   * Ends plan {@code id} as {@code state}, for {@code reason}, listing {@code remaining} unmovable
   * ids.
   */
  void finish(String id, PlanState state, String reason, List<String> remaining) {
    update(
        id,
        s ->
            new PlanStatus(state, s.plan(), s.evicted(), s.skipped(), remaining, reason, s.moved()),
        true);
    LOG.info("plan {} {}: {}", id, state.wireName(), reason);
  }

  /** Every dispatcher connection is gone: no one can watch or stop a plan, so it ends now. */
  public void dispatchersLost() {
    PlanStatus running = running();
    if (running != null) {
      finish(running.plan().id(), PlanState.FAILED, "lost every dispatcher", List.of());
    }
  }

  private void update(
      String id, java.util.function.UnaryOperator<PlanStatus> change, boolean report) {
    synchronized (this) {
      if (plan == null || !plan.plan().id().equals(id) || !plan.state().active()) {
        return;
      }
      PlanStatus next = change.apply(plan);
      if (next.equals(plan)) {
        return;
      }
      plan = next;
    }
    if (report) {
      onChange.run();
    }
  }

  private void end(PlanState state, String reason) {
    PlanStatus current = plan;
    if (current != null) {
      plan =
          new PlanStatus(
              state,
              current.plan(),
              current.evicted(),
              current.skipped(),
              List.of(),
              reason,
              current.moved());
      LOG.info("plan {} {}: {}", current.plan().id(), state.wireName(), reason);
    }
  }
}

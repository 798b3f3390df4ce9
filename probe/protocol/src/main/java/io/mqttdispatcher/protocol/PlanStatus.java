package io.mqttdispatcher.protocol;

import java.util.List;
import java.util.Objects;

/**
 * How a plan stands on the probe that runs it (protocol v2), carried in its reports.
 *
 * @param plan the plan as the probe accepted it
 * @param state where it stands
 * @param evicted devices this probe moved off its broker under this plan
 * @param skipped devices it left alone because they keep a session (and the plan does not include
 *     them)
 * @param remaining some client ids that must not be moved and are still on the broker (at most
 *     {@link #MAX_REMAINING}); an evacuation that ends with these is done
 * @param reason why it ended, for people; empty while it runs
 * @param moved client ids moved under a plan with a device limit, the latest last (at most {@link
 *     #MAX_REMAINING}); empty for other plans
 */
public record PlanStatus(
    PlanState state,
    EvictionPlan plan,
    long evicted,
    long skipped,
    List<String> remaining,
    String reason,
    List<String> moved) {

  /** Most client ids listed in {@link #remaining}. */
  public static final int MAX_REMAINING = 100;

  /** A status that names no moved device. */
  public PlanStatus(
      PlanState state,
      EvictionPlan plan,
      long evicted,
      long skipped,
      List<String> remaining,
      String reason) {
    this(state, plan, evicted, skipped, remaining, reason, List.of());
  }

  public PlanStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(reason, "reason");
    if (evicted < 0 || skipped < 0) {
      throw new IllegalArgumentException("evicted and skipped must not be negative");
    }
    remaining =
        List.copyOf(
            remaining.size() > MAX_REMAINING ? remaining.subList(0, MAX_REMAINING) : remaining);
    moved =
        List.copyOf(
            moved.size() > MAX_REMAINING
                ? moved.subList(moved.size() - MAX_REMAINING, moved.size())
                : moved);
  }
}

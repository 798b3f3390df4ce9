package io.mqttdispatcher.dispatcher.rebalance;

import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanStatus;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The latest rebalance as the donors' probes report it ({@link Rebalancer#status()}); the admin API
 * renders it.
 *
 * @param plan the latest rebalance plan, or null when there has been none
 * @param state {@code none}, {@code waiting}, {@code evicting}, {@code failed}, {@code stopped} or
 *     {@code done}, over every donor
 * @param donors each donor of the plan, in the plan's order
 * @param evicted devices moved by every donor together
 * @param loads connections of every broker that reports them, by broker id, in registry order
 */
public record RebalanceStatus(
    @Nullable EvictionPlan plan,
    String state,
    List<Donor> donors,
    long evicted,
    Map<String, Long> loads) {

  public RebalanceStatus {
    donors = List.copyOf(donors);
  }

  /** No rebalance yet: only the loads. */
  static RebalanceStatus none(Map<String, Long> loads) {
    return new RebalanceStatus(null, "none", List.of(), 0, loads);
  }

  /** The plan's id, or null when there is none. */
  public @Nullable String id() {
    return plan == null ? null : plan.id();
  }

  /** Whether a plan is under way (its donors wait or evict). */
  public boolean running() {
    return state.equals("waiting") || state.equals("evicting");
  }

  /**
   * One donor of the plan.
   *
   * @param id the broker's id
   * @param reported the plan's status as the donor's probe reports it, or null when its probe is
   *     gone or restarted (it then reports another plan, or none)
   * @param connections the broker's connections, when it reports them
   */
  public record Donor(String id, @Nullable PlanStatus reported, OptionalLong connections) {}
}

package io.mqttdispatcher.dispatcher.decision;

import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.Route;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import java.util.List;
import java.util.Objects;

/**
 * Decides a CONNECT: the routing table picks the device's group (without a routing file, every
 * broker is one pool), the policy picks a broker among the group's usable ones for the device's
 * transport. The only place a device's broker is chosen; thread-safe as its policy is.
 */
public final class ConnectDecider {
  private static final String NO_BROKER = "no broker available";

  private final BrokerPolicy policy;

  public ConnectDecider(BrokerPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * Decides {@code facts} at {@code nowNanos}, counting the rule's hit.
   *
   * @param mayWait whether the caller can hold the device, so that {@link Decision.Wait} may be the
   *     answer while the device's group gathers its brokers after an outage
   */
  public Decision decide(
      BrokerSnapshot snapshot,
      RoutingTable table,
      ConnectFacts facts,
      long nowNanos,
      boolean mayWait) {
    return decide(
        snapshot, table, table.route(facts, snapshot, nowNanos), facts, nowNanos, mayWait);
  }

  /**
   * Decides again a CONNECT that was held: the same as {@link #decide(BrokerSnapshot, RoutingTable,
   * ConnectFacts, long, boolean)}, but its rule's hit, counted the first time, is not counted
   * again.
   */
  public Decision decideAgain(
      BrokerSnapshot snapshot,
      RoutingTable table,
      ConnectFacts facts,
      long nowNanos,
      boolean mayWait) {
    return decide(
        snapshot, table, table.explain(facts, snapshot, nowNanos), facts, nowNanos, mayWait);
  }

  private Decision decide(
      BrokerSnapshot snapshot,
      RoutingTable table,
      Route route,
      ConnectFacts facts,
      long nowNanos,
      boolean mayWait) {
    if (mayWait && !route.refused() && snapshot.gathering(route.group(), nowNanos)) {
      return new Decision.Wait(
          route.anyGroup()
              ? "brokers coming back: waiting for the others"
              : "brokers of group " + route.group() + " coming back: waiting for the others");
    }
    return decide(snapshot, table, route, facts, nowNanos);
  }

  /**
   * Decides {@code facts} for a device already routed to {@code route} (by {@link
   * RoutingTable#route} or, for a dry run, {@link RoutingTable#explain}).
   */
  public Decision decide(
      BrokerSnapshot snapshot, RoutingTable table, Route route, ConnectFacts facts, long nowNanos) {
    if (route.refused()) {
      return new Decision.Refuse(RejectCause.NO_ROUTE, table.refuse().code(), route.reason());
    }
    BrokerView broker =
        policy.choose(candidates(snapshot, route, facts, nowNanos), facts, nowNanos);
    if (broker == null) {
      return new Decision.Refuse(
          RejectCause.NO_BROKER,
          Decision.SERVER_UNAVAILABLE,
          route.anyGroup() ? NO_BROKER : NO_BROKER + " in group " + route.group(),
          !snapshot.anyUsable(route.group(), nowNanos));
    }
    return new Decision.Redirect(broker, route);
  }

  /** The brokers a device on {@code route} may be sent to now: usable, for its transport. */
  public static List<BrokerView> candidates(
      BrokerSnapshot snapshot, Route route, ConnectFacts facts, long nowNanos) {
    String group = route.group();
    return group == null
        ? snapshot.usable(facts.transport(), nowNanos)
        : snapshot.usable(group, facts.transport(), nowNanos);
  }
}

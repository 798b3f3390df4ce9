package io.mqttdispatcher.dispatcher.routing;

import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.protocol.Transport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One loaded routing file: rules tried in order, the first that matches names the device's group;
 * no match goes to the default group, or is refused with {@link #refuse()} when there is none.
 * Immutable apart from hit counters; shared by every device event loop.
 *
 * <p>Routes of plain rules and of the default are built once here, so routing a device allocates
 * only what its conditions need (a regex matcher, the source address bytes) and, for a hash over
 * every group, its answer.
 */
public final class RoutingTable {
  /**
   * The most groups a hash rule may name: enough for any deployment, small enough to scan per
   * CONNECT.
   */
  public static final int MAX_HASH_GROUPS = 64;

  private final List<Rule> rules;
  private final @Nullable String defaultGroup;
  private final RefuseCode refuse;
  private final Route[] plainRoutes;
  private final Map<Rule, Map<String, Route>> hashRoutes = new HashMap<>();
  private final @Nullable Route defaultRoute;
  private final Route unmatched;
  private final LongAdder defaultHits = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final boolean needsUsername;
  private final boolean needsSource;
  private final boolean needsUserProperties;
  private final boolean onePool;

  /**
   * The table in force without a routing file: no rules, every broker one pool. Devices are routed
   * the same way with or without a file; only the answer differs.
   */
  public static RoutingTable onePool() {
    return new RoutingTable(List.of(), null, RefuseCode.SERVER_UNAVAILABLE, true);
  }

  public RoutingTable(List<Rule> rules, @Nullable String defaultGroup, RefuseCode refuse) {
    this(rules, defaultGroup, refuse, false);
  }

  private RoutingTable(
      List<Rule> rules, @Nullable String defaultGroup, RefuseCode refuse, boolean onePool) {
    this.onePool = onePool;
    this.rules = List.copyOf(rules);
    this.defaultGroup = defaultGroup;
    this.refuse = refuse;
    this.plainRoutes = new Route[this.rules.size()];
    boolean username = false;
    boolean source = false;
    boolean properties = false;
    for (int i = 0; i < this.rules.size(); i++) {
      Rule r = this.rules.get(i);
      if (r.isHash()) {
        Map<String, Route> byGroup = new HashMap<>();
        for (String g : r.hashGroups()) {
          byGroup.put(g, new Route(g, r, "rule '" + r.name() + "': hash of the client id"));
        }
        hashRoutes.put(r, byGroup);
      } else {
        plainRoutes[i] = new Route(r.group(), r, "rule '" + r.name() + "'");
      }
      username |= r.conditions().username() != null;
      source |= !r.conditions().sources().isEmpty();
      properties |= !r.conditions().userProperties().isEmpty();
    }
    this.needsUsername = username;
    this.needsSource = source;
    this.needsUserProperties = properties;
    this.defaultRoute =
        onePool
            ? Route.ONE_POOL
            : defaultGroup == null
                ? null
                : new Route(defaultGroup, null, "no rule matched: default group");
    this.unmatched = new Route(null, null, "no routing rule matches this device");
  }

  /**
   * The group for {@code device}, counted in the hits. A hash rule picks among its groups that have
   * a usable broker for the device's transport in {@code snapshot} at {@code nowNanos}; when none
   * has, the rule does not match and the next one is tried.
   */
  public Route route(ConnectFacts device, BrokerSnapshot snapshot, long nowNanos) {
    Route r = explain(device, snapshot, nowNanos);
    if (r.rule() != null) {
      r.rule().hit();
    } else if (r.anyGroup()) {
      return r; // no routing file: nothing to count
    } else if (r.group() != null) {
      defaultHits.increment();
    } else {
      refused.increment();
    }
    return r;
  }

  /** What {@link #route} would answer, without counting it (the admin API's dry run). */
  public Route explain(ConnectFacts device, BrokerSnapshot snapshot, long nowNanos) {
    for (int i = 0, n = rules.size(); i < n; i++) {
      Rule r = rules.get(i);
      if (!r.conditions().test(device)) {
        continue;
      }
      if (!r.isHash()) {
        return plainRoutes[i];
      }
      Route hashed = hash(r, device, snapshot, nowNanos);
      if (hashed != null) {
        return hashed;
      }
    }
    return defaultRoute != null ? defaultRoute : unmatched;
  }

  private @Nullable Route hash(
      Rule r, ConnectFacts device, BrokerSnapshot snapshot, long nowNanos) {
    Transport t = device.transport();
    if (r.hashAll()) {
      String g =
          GroupHash.choose(
              device.clientId(),
              snapshot.groupNames(),
              name -> !snapshot.usable(name, t, nowNanos).isEmpty());
      return g == null ? null : new Route(g, r, "rule '" + r.name() + "': hash of the client id");
    }
    String g =
        GroupHash.choose(
            device.clientId(),
            r.hashGroups(),
            name -> !snapshot.usable(name, t, nowNanos).isEmpty());
    return g == null
        ? null
        : Objects.requireNonNull(hashRoutes.get(r), "a route per hash rule").get(g);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The group of devices no rule matches, or null when they are refused. */
  public @Nullable String defaultGroup() {
    return defaultGroup;
  }

  /** The reason code for devices no rule matches when there is no default group. */
  public RefuseCode refuse() {
    return refuse;
  }

  /** Devices sent to the default group since this table was loaded. */
  public long defaultHits() {
    return defaultHits.sum();
  }

  /** Devices refused because nothing matched, since this table was loaded. */
  public long refusedCount() {
    return refused.sum();
  }

  /** Whether some rule looks at the CONNECT's user name. */
  public boolean needsUsername() {
    return needsUsername;
  }

  /** Whether some rule looks at the device's address. */
  public boolean needsSource() {
    return needsSource;
  }

  /** Whether some rule looks at the CONNECT's user properties. */
  public boolean needsUserProperties() {
    return needsUserProperties;
  }
}

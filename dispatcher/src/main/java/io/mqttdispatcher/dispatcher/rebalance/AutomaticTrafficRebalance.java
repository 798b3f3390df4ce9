package io.mqttdispatcher.dispatcher.rebalance;

import io.mqttdispatcher.dispatcher.probe.ProbeCommands;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanStatus;
import io.mqttdispatcher.protocol.ProbeState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic mode by load ({@code --auto-rebalance-by load}): once a second, gives {@link
 * TrafficBalance} each broker group's message rates per unit of capacity and the latest one-device
 * move in the probes' reports, and asks the hottest broker's probe to move one device when it says
 * so ({@link Rebalancer#moveOne}). With several replicas each waits a random extra of up to a fifth
 * of the sustain time and up to a second more after each weighing, so one asks first; a probe runs
 * one plan at a time and refuses the others, and every replica learns the weight from the reports.
 * Runs on the control-plane event loop.
 */
public final class AutomaticTrafficRebalance {
  private static final Logger LOG = LoggerFactory.getLogger(AutomaticTrafficRebalance.class);

  private final TrafficBalance.Settings settings;
  private final DeviceWeights weights;
  private final Rebalancer rebalancer;
  private final BrokerRegistry registry;
  private final ProbeCommands probes;

  /** One balance per broker group, created as groups appear (as many as there are groups). */
  private final Map<String, TrafficBalance> groups = new LinkedHashMap<>();

  private final Map<String, TrafficBalance.State> lastState = new LinkedHashMap<>();
  private @Nullable String lastRefusal;
  private TrafficBalance.@Nullable Weighing lastLogged;

  public AutomaticTrafficRebalance(
      TrafficBalance.Settings settings,
      Rebalancer rebalancer,
      BrokerRegistry registry,
      ProbeCommands probes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.settings =
        new TrafficBalance.Settings(
            settings
                .sustain()
                .plus(Duration.ofNanos(random.nextLong(settings.sustain().toNanos() / 5 + 1))),
            settings.coolDown(),
            settings.spreadThreshold(),
            settings.minRate(),
            settings.settle().plus(Duration.ofMillis(random.nextLong(1001))),
            settings.maxMovesWithoutGain(),
            settings.maxMovesPerEpisode());
    this.weights = new DeviceWeights(DeviceWeights.DEFAULT_CAPACITY);
    this.rebalancer = rebalancer;
    this.registry = registry;
    this.probes = probes;
  }

  /** One look at the loads at {@code nowNanos}; asks for a move where a group's balance says so. */
  public void tick(long nowNanos) {
    Map<String, List<BrokerView>> byGroup = new LinkedHashMap<>();
    boolean otherPlan = false;
    for (BrokerView b : registry.snapshot().brokers()) {
      byGroup.computeIfAbsent(b.group().name(), g -> new ArrayList<>()).add(b);
      PlanStatus s = plan(b.id());
      otherPlan |= s != null && s.state().active() && s.plan().maxDevices() == 0;
    }
    groups.keySet().retainAll(byGroup.keySet());
    lastState.keySet().retainAll(byGroup.keySet());
    for (Map.Entry<String, List<BrokerView>> g : byGroup.entrySet()) {
      tickGroup(nowNanos, g.getKey(), g.getValue(), otherPlan);
    }
  }

  private void tickGroup(long nowNanos, String group, List<BrokerView> brokers, boolean otherPlan) {
    TrafficBalance balance =
        groups.computeIfAbsent(group, g -> new TrafficBalance(settings, weights));
    List<TrafficBalance.Load> loads = new ArrayList<>();
    boolean hasRates = true;
    TrafficBalance.@Nullable Move latest = null;
    for (BrokerView b : brokers) {
      PlanStatus s = plan(b.id());
      boolean donorOfMove = false;
      if (s != null && s.plan().maxDevices() > 0) {
        if (latest == null || s.plan().id().compareTo(latest.planId()) > 0) {
          latest = new TrafficBalance.Move(s.plan().id(), b.id(), s.state().active(), s.moved());
        }
        donorOfMove = s.state().active() && !operatorDrained(b.id());
      }
      if (!b.healthy()
          || !b.freshAt(nowNanos, registry.staleAfterNanos())
          || (b.draining() && !donorOfMove)) {
        continue;
      }
      if (b.msgRate().isEmpty()) {
        hasRates = false;
        continue;
      }
      loads.add(
          new TrafficBalance.Load(
              b.id(),
              b.msgRate().getAsDouble() / b.capacity(),
              probes.takesCommands(b.id()),
              b.connections().orElse(-1)));
    }
    TrafficBalance.Decision d = balance.tick(nowNanos, loads, hasRates, latest, otherPlan);
    if (d.state() != lastState.get(group)) {
      LOG.info("automatic rebalance by load, group {}: {}", group, describe(d.state()));
      lastState.put(group, d.state());
    }
    TrafficBalance.Weighing w = balance.lastWeighing();
    if (w != null && w != lastLogged) {
      lastLogged = w;
      LOG.info(
          "automatic rebalance by load: {} weighs {} msg/s (moved off {}); the spread {}",
          w.clientId(),
          Math.round(w.weight()),
          w.donor(),
          w.gained() ? "narrowed" : "did not narrow");
    }
    if (d.action() != TrafficBalance.Action.MOVE) {
      return;
    }
    balance.asked(nowNanos);
    LOG.info(
        "automatic rebalance by load, group {}: asking {} to move one device to {}; {}",
        group,
        d.donor(),
        d.recipient(),
        describe(loads));
    rebalancer
        .moveOne(
            Objects.requireNonNull(d.donor(), "a move names its donor"),
            Objects.requireNonNull(d.recipient(), "a move names its recipient"),
            d.skip(),
            settings.settle().toMillis())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                lastRefusal = null;
              } else {
                lastRefusal = ar.cause().getMessage();
                LOG.info("automatic rebalance by load: no move: {}", lastRefusal);
              }
            });
  }

  /** Each broker's rate per unit of capacity and client count, for the log. */
  private static String describe(List<TrafficBalance.Load> loads) {
    StringBuilder sb = new StringBuilder();
    for (TrafficBalance.Load l : loads) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(l.id()).append(' ').append(Math.round(l.rate())).append(" msg/s");
      if (l.connections() >= 0) {
        sb.append(" (")
            .append(l.connections())
            .append(l.connections() == 1 ? " client)" : " clients)");
      }
    }
    return sb.toString();
  }

  private boolean operatorDrained(String id) {
    ProbeState state = registry.probeState(id);
    return registry.drainedLocally(id) || (state != null && state.draining());
  }

  private @Nullable PlanStatus plan(String id) {
    ProbeState state = registry.probeState(id);
    PlanStatus s = state == null ? null : state.plan();
    return s != null && s.plan().kind() == PlanKind.REBALANCE ? s : null;
  }

  /** What {@code GET /rebalance} and the status page show under {@code automatic}. */
  public JsonObject status(long nowNanos) {
    JsonObject o =
        new JsonObject()
            .put("enabled", true)
            .put("by", "load")
            .put("sustainSeconds", settings.sustain().toMillis() / 1000.0)
            .put("coolDownSeconds", settings.coolDown().toMillis() / 1000.0)
            .put("settleSeconds", settings.settle().toMillis() / 1000.0)
            .put("spreadThreshold", settings.spreadThreshold())
            .put("weightsKnown", weights.size());
    JsonArray gs = new JsonArray();
    long moves = 0;
    String state = "balanced";
    for (Map.Entry<String, TrafficBalance> g : groups.entrySet()) {
      TrafficBalance.State s = lastState.getOrDefault(g.getKey(), TrafficBalance.State.BALANCED);
      JsonObject go =
          new JsonObject()
              .put("group", g.getKey())
              .put("state", name(s))
              .put("detail", describe(s))
              .put("imbalancedSeconds", g.getValue().imbalancedFor(nowNanos).toMillis() / 1000.0)
              .put("moves", g.getValue().moves());
      TrafficBalance.Weighing w = g.getValue().lastWeighing();
      if (w != null) {
        go.put(
            "lastWeighing",
            new JsonObject()
                .put("clientId", w.clientId())
                .put("from", w.donor())
                .put("msgRate", Math.round(w.weight()))
                .put("narrowed", w.gained()));
      }
      moves += g.getValue().moves();
      if (s != TrafficBalance.State.BALANCED) {
        state = name(s);
      }
      gs.add(go);
    }
    o.put("state", state).put("moves", moves).put("groups", gs);
    if (lastRefusal != null) {
      o.put("lastRefusal", lastRefusal);
    }
    return o;
  }

  private static String name(TrafficBalance.State s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private String describe(TrafficBalance.State s) {
    return switch (s) {
      case BALANCED ->
          "message rates within "
              + Math.round(settings.spreadThreshold() * 100)
              + " % of the mean of each other";
      case WAITING -> "imbalanced, waiting " + settings.sustain().toSeconds() + " s";
      case MOVING -> "moving one device off the hottest broker";
      case SETTLING -> "weighing the moved device while the reports settle";
      case COOLING_DOWN ->
          "cooling down (" + settings.coolDown().toSeconds() + " s after the last moves)";
      case RUNNING -> "another plan is running";
      case NO_RATES -> "a broker reports no message rate ($SYS): nothing to weigh";
      case NO_MOVER -> "the hottest broker's probe cannot move devices (protocol v1)";
    };
  }
}

package io.mqttdispatcher.dispatcher.rebalance;

import io.mqttdispatcher.dispatcher.probe.ProbeCommands;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.PlanStatus;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProbeState;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebalance plans and evacuations on this dispatcher replica. Holds no plan of its own: a plan
 * lives in the donors' probes, which report it to every replica, so {@link #status()} answers the
 * same on every replica and any replica can stop it. Each replica checks the thresholds on the
 * reports it gets ({@link #checkThresholds()}) and tells a donor that is within them to stop as
 * done; the probe takes the first such command and ignores the rest. Runs on the control-plane
 * event loop.
 */
public final class Rebalancer {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

  private final BrokerRegistry registry;
  private final ProbeCommands probes;

  /**
   * A one-device move waits this long before moving, so every replica sees the donor draining (and
   * notes what it carries) before the device leaves.
   */
  static final long MOVE_WAIT_MILLIS = 1000;

  /** Donors told to stop as done, by broker and plan, so a replica says it once per plan. */
  private final Set<String> doneSent = new HashSet<>();

  /** Each running rebalance plan's counts as of this replica's first sight, by plan id. */
  private final Map<String, PlanForecast> forecasts = new HashMap<>();

  public Rebalancer(BrokerRegistry registry, ProbeCommands probes) {
    this.registry = registry;
    this.probes = probes;
  }

  /**
   * Starts a rebalance; completes with its status, or fails with a {@link PlanChooser.PlanRefused}.
   */
  public Future<RebalanceStatus> start(RebalanceRequest request) {
    PlanStatus running = runningRebalance();
    if (running != null) {
      return Future.failedFuture(
          new PlanChooser.PlanRefused(
              409,
              "rebalance "
                  + running.plan().id()
                  + " is "
                  + running.state().wireName()
                  + "; stop it first (DELETE /rebalance)"));
    }
    PlanChooser.Choice choice;
    try {
      choice = PlanChooser.choose(candidates(), request);
    } catch (PlanChooser.PlanRefused e) {
      return Future.failedFuture(e);
    }
    EvictionPlan plan =
        new EvictionPlan(
            newPlanId("r"),
            PlanKind.REBALANCE,
            request.rate(),
            request.waitBeforeEviction().toMillis(),
            request.includeSessions(),
            request.absThreshold(),
            request.relThreshold(),
            choice.donors(),
            choice.recipients());
    LOG.info(
        "rebalance {}: donors {}, recipients {}, {} devices/s per donor, wait {} s",
        plan.id(),
        plan.donors(),
        plan.recipients(),
        plan.rate(),
        plan.waitMillis() / 1000.0);
    List<Future<ProbeMessage.Ack>> acks = new ArrayList<>();
    for (String donor : plan.donors()) {
      acks.add(
          probes
              .send(donor, ProbeMessage.Command.evict(probes.newCommandId(), plan))
              .compose(Rebalancer::accepted));
    }
    return Future.join(acks)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.succeededFuture(status());
              }
              // Some donor refused: stop the others, so no half plan runs.
              for (String donor : plan.donors()) {
                probes.send(
                    donor,
                    ProbeMessage.Command.stop(probes.newCommandId(), plan.id(), PlanState.STOPPED));
              }
              return Future.failedFuture(
                  new PlanChooser.PlanRefused(
                      502, "a donor did not take the plan: " + ar.cause().getMessage()));
            });
  }

  /**
   * Asks {@code donor}'s probe to move one device (automatic mode by load): a rebalance plan with a
   * device limit of 1, the device that connected last first, none of {@code skip}. The donor gets
   * no new devices while the plan runs and for {@code hold} after the move, so the device lands on
   * another broker; the plan names the moved client id in its status. Completes with the plan id.
   */
  public Future<String> moveOne(
      String donor, String recipient, List<String> skip, long holdMillis) {
    EvictionPlan plan =
        new EvictionPlan(
            newPlanId("r"),
            PlanKind.REBALANCE,
            1,
            MOVE_WAIT_MILLIS,
            false,
            0,
            1,
            List.of(donor),
            List.of(recipient),
            1,
            holdMillis,
            true,
            skip);
    LOG.info(
        "automatic rebalance {}: moving one device off {} (expected to land on {}), {} known devices skipped",
        plan.id(),
        donor,
        recipient,
        skip.size());
    return probes
        .send(donor, ProbeMessage.Command.evict(probes.newCommandId(), plan))
        .compose(Rebalancer::accepted)
        .map(ack -> plan.id());
  }

  /** Stops the running rebalance on every donor; completes with the status. */
  public Future<RebalanceStatus> stop() {
    PlanStatus running = runningRebalance();
    if (running == null) {
      return Future.failedFuture(new PlanChooser.PlanRefused(404, "no rebalance is running"));
    }
    List<Future<ProbeMessage.Ack>> acks = new ArrayList<>();
    for (String donor : running.plan().donors()) {
      if (probes.takesCommands(donor)) {
        acks.add(
            probes.send(
                donor,
                ProbeMessage.Command.stop(
                    probes.newCommandId(), running.plan().id(), PlanState.STOPPED)));
      }
    }
    LOG.info("rebalance {}: stopping", running.plan().id());
    return Future.join(acks).transform(ar -> Future.succeededFuture(status()));
  }

  /** Starts evacuating {@code brokerId}: no new devices, every device moved off at {@code rate}. */
  public Future<ProbeMessage.Ack> evacuate(String brokerId, double rate, boolean includeSessions) {
    if (!probes.takesCommands(brokerId)) {
      return Future.failedFuture(
          known(brokerId)
              ? new PlanChooser.PlanRefused(
                  409,
                  "broker '" + brokerId + "' has a protocol v1 probe, which cannot move devices")
              : new PlanChooser.PlanRefused(404, "no connected broker '" + brokerId + "'"));
    }
    EvictionPlan plan;
    try {
      plan =
          new EvictionPlan(
              newPlanId("e"),
              PlanKind.EVACUATE,
              rate,
              0,
              includeSessions,
              0,
              1,
              List.of(brokerId),
              List.of());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(
          new PlanChooser.PlanRefused(
              400, Objects.requireNonNullElse(e.getMessage(), e.toString())));
    }
    LOG.info("evacuation {} of broker {}: {} devices/s", plan.id(), brokerId, rate);
    return probes
        .send(brokerId, ProbeMessage.Command.evict(probes.newCommandId(), plan))
        .compose(Rebalancer::accepted);
  }

  /** Stops the evacuation of {@code brokerId}; the broker stays drained until undrained. */
  public Future<ProbeMessage.Ack> stopEvacuation(String brokerId) {
    ProbeState state = registry.probeState(brokerId);
    PlanStatus s = state == null ? null : state.plan();
    if (s == null || s.plan().kind() != PlanKind.EVACUATE || !s.state().active()) {
      return Future.failedFuture(
          new PlanChooser.PlanRefused(404, "no evacuation of '" + brokerId + "' is running"));
    }
    return probes.send(
        brokerId,
        ProbeMessage.Command.stop(probes.newCommandId(), s.plan().id(), PlanState.STOPPED));
  }

  /**
   * Tells each rebalance donor that is within its plan's thresholds to stop as done. Call
   * periodically; a replica tells a donor once per plan.
   */
  public void checkThresholds() {
    Map<String, BrokerView> byId = new LinkedHashMap<>();
    registry.snapshot().brokers().forEach(b -> byId.put(b.id(), b));
    Set<String> stillActive = new HashSet<>();
    Map<String, Long> evictedByPlan = new HashMap<>();
    for (BrokerView b : byId.values()) {
      ProbeState state = registry.probeState(b.id());
      PlanStatus status = state == null ? null : state.plan();
      if (status != null && status.plan().kind() == PlanKind.REBALANCE) {
        evictedByPlan.merge(status.plan().id(), status.evicted(), Long::sum);
      }
    }
    for (BrokerView donor : byId.values()) {
      ProbeState state = registry.probeState(donor.id());
      PlanStatus status = state == null ? null : state.plan();
      if (status == null
          || status.plan().kind() != PlanKind.REBALANCE
          || status.state() != PlanState.EVICTING) {
        continue;
      }
      String key = donor.id() + "/" + status.plan().id();
      stillActive.add(key);
      long max = status.plan().maxDevices();
      if (max > 0) {
        // A limited plan ends itself after its hold; a probe that ignores the limit (an older one)
        // is stopped once it moved more.
        if (status.evicted() > max && doneSent.add(key)) {
          probes.send(
              donor.id(),
              ProbeMessage.Command.stop(probes.newCommandId(), status.plan().id(), PlanState.DONE));
        }
        continue;
      }
      Double reportedMean = recipientMean(status.plan(), byId);
      if (reportedMean == null || donor.connections().isEmpty() || doneSent.contains(key)) {
        continue;
      }
      long evictedByAll = evictedByPlan.getOrDefault(status.plan().id(), 0L);
      PlanForecast forecast =
          forecasts.computeIfAbsent(
              status.plan().id(), id -> new PlanForecast(reportedMean, evictedByAll));
      double recipientMean =
          forecast.recipientMean(
              reportedMean, evictedByAll, Math.max(1, status.plan().recipients().size()));
      double load =
          forecast.donorLoad(
              donor.id(),
              donor.connections().getAsLong() / donor.capacity(),
              status.evicted(),
              donor.capacity());
      if (PlanChooser.withinThresholds(
          load, recipientMean, status.plan().absThreshold(), status.plan().relThreshold())) {
        doneSent.add(key);
        LOG.info(
            "rebalance {}: donor {} within thresholds ({} connections, recipients' mean {}); stopping it as done",
            status.plan().id(),
            donor.id(),
            Math.round(load),
            Math.round(recipientMean));
        probes
            .send(
                donor.id(),
                ProbeMessage.Command.stop(
                    probes.newCommandId(), status.plan().id(), PlanState.DONE))
            .onFailure(
                e -> {
                  LOG.warn(
                      "rebalance {}: cannot stop donor {}: {}",
                      status.plan().id(),
                      donor.id(),
                      e.getMessage());
                  doneSent.remove(key);
                });
      }
    }
    doneSent.retainAll(stillActive);
    forecasts.keySet().retainAll(evictedByPlan.keySet());
  }

  private static @Nullable Double recipientMean(EvictionPlan plan, Map<String, BrokerView> byId) {
    double sum = 0;
    int n = 0;
    for (String id : plan.recipients()) {
      BrokerView r = byId.get(id);
      if (r != null && r.connections().isPresent()) {
        sum += r.connections().getAsLong() / r.capacity();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /** The latest rebalance as the donors' probes report it. */
  public RebalanceStatus status() {
    Map<String, BrokerView> byId = new LinkedHashMap<>();
    registry.snapshot().brokers().forEach(b -> byId.put(b.id(), b));
    Map<String, Long> loads = new LinkedHashMap<>();
    byId.values().forEach(b -> b.connections().ifPresent(c -> loads.put(b.id(), c)));
    PlanStatus latest = latestRebalance();
    if (latest == null) {
      return RebalanceStatus.none(loads);
    }
    EvictionPlan plan = latest.plan();
    List<RebalanceStatus.Donor> donors = new ArrayList<>();
    long evicted = 0;
    boolean anyActive = false;
    boolean anyEvicting = false;
    boolean anyFailed = false;
    boolean anyStopped = false;
    for (String id : plan.donors()) {
      ProbeState state = registry.probeState(id);
      PlanStatus s = state == null ? null : state.plan();
      if (s == null || !s.plan().id().equals(plan.id())) {
        s = null;
        anyFailed = true;
      } else {
        evicted += s.evicted();
        anyActive |= s.state().active();
        anyEvicting |= s.state() == PlanState.EVICTING;
        anyFailed |= s.state() == PlanState.FAILED;
        anyStopped |= s.state() == PlanState.STOPPED;
      }
      BrokerView b = byId.get(id);
      donors.add(
          new RebalanceStatus.Donor(id, s, b == null ? OptionalLong.empty() : b.connections()));
    }
    String overall =
        anyActive
            ? (anyEvicting ? "evicting" : "waiting")
            : anyFailed ? "failed" : anyStopped ? "stopped" : "done";
    return new RebalanceStatus(plan, overall, donors, evicted, loads);
  }

  private @Nullable PlanStatus runningRebalance() {
    PlanStatus latest = latestRebalance();
    if (latest == null) {
      return null;
    }
    for (String donor : latest.plan().donors()) {
      ProbeState state = registry.probeState(donor);
      if (state != null
          && state.plan() != null
          && state.plan().plan().id().equals(latest.plan().id())
          && state.plan().state().active()) {
        return state.plan();
      }
    }
    return null;
  }

  /** The rebalance plan with the latest id among every probe's state (ids sort by start time). */
  private @Nullable PlanStatus latestRebalance() {
    PlanStatus latest = null;
    for (BrokerView b : registry.snapshot().brokers()) {
      ProbeState state = registry.probeState(b.id());
      PlanStatus s = state == null ? null : state.plan();
      if (s != null
          && s.plan().kind() == PlanKind.REBALANCE
          && (latest == null
              || s.plan().id().compareTo(latest.plan().id()) > 0
              || (s.plan().id().equals(latest.plan().id()) && s.state().active()))) {
        latest = s;
      }
    }
    return latest;
  }

  private List<PlanChooser.Candidate> candidates() {
    List<PlanChooser.Candidate> list = new ArrayList<>();
    long now = System.nanoTime();
    for (BrokerView b : registry.snapshot().brokers()) {
      if (b.connections().isPresent() && b.healthy()) {
        boolean fresh = b.freshAt(now, registry.staleAfterNanos());
        list.add(
            new PlanChooser.Candidate(
                b.id(),
                b.connections().getAsLong(),
                b.capacity(),
                fresh && !b.draining(),
                probes.takesCommands(b.id())));
      }
    }
    return list;
  }

  private boolean known(String brokerId) {
    return registry.snapshot().brokers().stream().anyMatch(b -> b.id().equals(brokerId));
  }

  private static Future<ProbeMessage.Ack> accepted(ProbeMessage.Ack ack) {
    return ack.ok()
        ? Future.succeededFuture(ack)
        : Future.failedFuture(new PlanChooser.PlanRefused(409, ack.reason()));
  }

  /** A plan id that sorts by start time: kind letter, epoch milliseconds, random suffix. */
  private static String newPlanId(String kind) {
    return String.format(
        Locale.ROOT,
        "%s-%013d-%04x",
        kind,
        System.currentTimeMillis(),
        ThreadLocalRandom.current().nextInt(0x10000));
  }
}

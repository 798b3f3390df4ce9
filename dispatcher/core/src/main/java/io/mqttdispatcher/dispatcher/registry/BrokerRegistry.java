package io.mqttdispatcher.dispatcher.registry;

import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.PlanStatus;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProbeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the state of every broker whose probe is connected. Not thread-safe by design: every method
 * is called on one thread (the dispatcher's control-plane event loop). Readers on other threads use
 * {@link #snapshot()}, which is immutable and replaced after each change.
 *
 * <p>Logs one line per state change (joined, gone, unhealthy, healthy, stale, draining, plan
 * state), never one per report.
 *
 * <p>Draining has two sources. A v2 probe carries its broker's state ({@link ProbeState}: draining,
 * eviction plan) in its reports to every dispatcher, so every replica agrees; a v1 probe carries
 * none, and an operator's drain is then kept here, on the replica that was asked.
 */
public final class BrokerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistry.class);

  /** How long a broker whose probe left is remembered as one that may come back (10 minutes). */
  static final long REMEMBER_NANOS = 10L * 60 * 1_000_000_000;

  private final Duration window;
  private final long staleAfterNanos;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Set<String> mixedGroups = new HashSet<>();

  /**
   * Brokers whose probe left, and when: one that returns within {@link #REMEMBER_NANOS} came back.
   */
  private final Map<String, Long> departed = new HashMap<>();

  private final Gathering gathering;
  private final List<Runnable> onPublish = new ArrayList<>();
  private volatile BrokerSnapshot snapshot;

  /** A registry that never gathers (see {@link Gathering}). */
  public BrokerRegistry(Duration window, Duration staleAfter) {
    this(window, staleAfter, Duration.ZERO);
  }

  /**
   * @param gatherWindow how long devices may wait for the other brokers of a group that comes back
   *     after none of its brokers was usable ({@link Gathering}); zero to never wait
   */
  public BrokerRegistry(Duration window, Duration staleAfter, Duration gatherWindow) {
    this.window = window;
    this.staleAfterNanos = staleAfter.toNanos();
    this.gathering = new Gathering(gatherWindow.toNanos());
    this.snapshot = new BrokerSnapshot(List.of(), staleAfterNanos);
  }

  /**
   * Runs {@code r} on the registry's thread after every new snapshot (a report, a broker joining or
   * leaving, a broker going stale, a gathering ending). Must be quick.
   */
  public void onPublish(Runnable r) {
    onPublish.add(r);
  }

  /** A broker without a report for this long is not used. */
  public long staleAfterNanos() {
    return staleAfterNanos;
  }

  /** The latest published state; safe to call from any thread. */
  public BrokerSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Makes {@code owner} the connection that speaks for broker {@code id}. Returns the connection it
   * replaces, which the caller should close, if there was one.
   */
  public Optional<Object> attach(String id, Object owner) {
    Entry old = entries.get(id);
    Entry e = new Entry(id, owner, new LoadWindow(window));
    Long goneAt = departed.remove(id);
    e.cameBack = goneAt != null && System.nanoTime() - goneAt <= REMEMBER_NANOS;
    if (old != null) {
      e.cpuSettlesAtNanos = old.cpuSettlesAtNanos;
      e.localDraining = old.localDraining; // an operator's drain survives a probe reconnect
      e.probeState = old.probeState; // until the new connection's first report says otherwise
      LOG.info("broker {}: probe reconnected, replacing the previous connection", id);
    } else {
      LOG.info("broker {}: probe connected", id);
    }
    entries.put(id, e);
    publish();
    return old == null ? Optional.empty() : Optional.of(old.owner);
  }

  /**
   * Applies a report from {@code owner}; ignored when {@code owner} no longer speaks for {@code
   * id}.
   */
  public void report(String id, Object owner, ProbeMessage.Report report, long nowNanos) {
    Entry e = entries.get(id);
    if (e == null || e.owner != owner) {
      return;
    }
    e.window.add(nowNanos, report.cpu());
    boolean first = e.last == null;
    boolean wasHealthy = e.last != null && e.last.healthy();
    boolean wasStale = e.stale;
    if (report.healthy() && (first || !wasHealthy || wasStale)) {
      if (e.cameBack || e.wasUsable) {
        // Back after a gap (its probe left and returned, it answers again, its reports resumed):
        // the CPU it reads now is its own start and the rush to it, not yet its load. A broker this
        // dispatcher never saw leave (all of them after the dispatcher's own restart) is taken as
        // it reports.
        e.cpuSettlesAtNanos = nowNanos + window.toNanos();
      }
      e.wasUsable = true;
    }
    BrokerGroup oldGroup = e.last == null ? null : e.last.group();
    e.last = report;
    e.reportedAtNanos = nowNanos;
    if (report.state() != null) {
      changeProbeState(e, report.state());
    }
    e.stale = false;
    if (first) {
      LOG.info(
          "broker {}: joined group {} with endpoints {} ({})",
          id,
          describe(report.group()),
          report.endpoints(),
          report.healthy() ? "healthy" : "unhealthy");
    } else {
      if (!report.group().equals(oldGroup)) {
        LOG.info(
            "broker {}: moved from group {} to {}",
            id,
            describe(oldGroup),
            describe(report.group()));
      }
      if (wasHealthy != report.healthy()) {
        LOG.info(
            "broker {}: {}",
            id,
            report.healthy()
                ? "healthy again"
                : "unhealthy: its probe says the broker does not answer");
      } else if (wasStale) {
        LOG.info("broker {}: reports resumed", id);
      }
    }
    publish(nowNanos);
  }

  /** Forgets broker {@code id} at once if {@code owner} still speaks for it. */
  public void detach(String id, Object owner) {
    Entry e = entries.get(id);
    if (e != null && e.owner == owner) {
      entries.remove(id);
      long now = System.nanoTime();
      departed.values().removeIf(at -> now - at > REMEMBER_NANOS);
      departed.put(id, now);
      LOG.info("broker {}: gone (probe disconnected)", id);
      publish();
    }
  }

  /**
   * Marks broker {@code id} draining or not on this replica only (for a v1 probe, which carries no
   * state); false when no such broker is connected.
   */
  public boolean setDraining(String id, boolean draining) {
    Entry e = entries.get(id);
    if (e == null) {
      return false;
    }
    if (e.localDraining != draining) {
      e.localDraining = draining;
      LOG.info(
          "broker {}: {} on this dispatcher",
          id,
          draining ? "draining (no new devices)" : "no longer draining");
      publish();
    }
    return true;
  }

  /**
   * Applies the state a v2 probe acknowledged a command with; ignored when {@code owner} no longer
   * speaks for {@code id}.
   */
  public void applyProbeState(String id, Object owner, ProbeState state) {
    Entry e = entries.get(id);
    if (e != null && e.owner == owner && changeProbeState(e, state)) {
      publish();
    }
  }

  /**
   * The state broker {@code id}'s probe carries (v2), or null for a v1 probe or an unknown broker.
   */
  public @Nullable ProbeState probeState(String id) {
    Entry e = entries.get(id);
    return e == null ? null : e.probeState;
  }

  /** Whether an operator drained broker {@code id} on this replica only (v1 probe). */
  public boolean drainedLocally(String id) {
    Entry e = entries.get(id);
    return e != null && e.localDraining;
  }

  private static boolean changeProbeState(Entry e, ProbeState state) {
    ProbeState old = e.probeState;
    if (state.equals(old)) {
      return false;
    }
    boolean wasDraining = old != null && old.draining();
    if (wasDraining != state.draining()) {
      LOG.info(
          "broker {}: {} (carried by its probe)",
          e.id,
          state.draining() ? "draining (no new devices)" : "no longer draining");
    }
    PlanStatus before = old == null ? null : old.plan();
    PlanStatus now = state.plan();
    if (now != null
        && (before == null
            || !before.plan().id().equals(now.plan().id())
            || before.state() != now.state())) {
      LOG.info(
          "broker {}: {} plan {} {}{}",
          e.id,
          now.plan().kind().wireName(),
          now.plan().id(),
          now.state().wireName(),
          now.reason().isEmpty() ? "" : " (" + now.reason() + ")");
    }
    e.probeState = state;
    return true;
  }

  /**
   * Logs brokers whose reports stopped; call periodically. Usability itself is checked per CONNECT.
   */
  public void checkStale(long nowNanos) {
    boolean changed = false;
    for (Entry e : entries.values()) {
      if (e.last != null && !e.stale && nowNanos - e.reportedAtNanos > staleAfterNanos) {
        e.stale = true;
        changed = true;
        LOG.info("broker {}: stale, no report for over {} ms", e.id, staleAfterNanos / 1_000_000);
      }
    }
    if (changed || snapshot.gatheringEndsBy(nowNanos)) {
      publish(nowNanos);
    }
  }

  private static String describe(@Nullable BrokerGroup group) {
    return group == null ? "?" : group.name() + (group.cluster() ? " (cluster)" : "");
  }

  private void publish() {
    publish(System.nanoTime());
  }

  private void publish(long nowNanos) {
    List<BrokerView> views = new ArrayList<>(entries.size());
    for (Entry e : entries.values()) {
      BrokerView v = e.view(nowNanos);
      if (v != null) {
        views.add(v);
      }
    }
    snapshot =
        new BrokerSnapshot(
            views, staleAfterNanos, gathering.update(views, staleAfterNanos, nowNanos));
    logMixedGroups(snapshot);
    for (Runnable r : onPublish) {
      r.run();
    }
  }

  /**
   * Warns once when the probes of one group disagree on whether it is a cluster (it is then treated
   * as independent).
   */
  private void logMixedGroups(BrokerSnapshot s) {
    for (Map.Entry<String, List<BrokerView>> g : s.groups().entrySet()) {
      long clustered = g.getValue().stream().filter(b -> b.group().cluster()).count();
      boolean mixed = clustered > 0 && clustered < g.getValue().size();
      if (mixed && mixedGroups.add(g.getKey())) {
        LOG.warn(
            "group {}: {} of its {} probes say --cluster, the others do not; its brokers are treated as independent"
                + " (sessions stay on their broker) until they agree",
            g.getKey(),
            clustered,
            g.getValue().size());
      } else if (!mixed && mixedGroups.remove(g.getKey())) {
        LOG.info(
            "group {}: its probes agree again ({})",
            g.getKey(),
            clustered > 0 ? "cluster" : "independent brokers");
      }
    }
    mixedGroups.retainAll(s.groups().keySet());
  }

  private static final class Entry {
    final String id;
    final Object owner;
    final LoadWindow window;
    ProbeMessage.@Nullable Report last;
    long reportedAtNanos;
    boolean localDraining;
    @Nullable ProbeState probeState;
    boolean stale;

    /** Its probe had left this dispatcher shortly before this connection. */
    boolean cameBack;

    /** It was usable once through this connection. */
    boolean wasUsable;

    /** See {@link BrokerView#cpuSettlesAtNanos()}. */
    long cpuSettlesAtNanos = Long.MIN_VALUE;

    Entry(String id, Object owner, LoadWindow window) {
      this.id = id;
      this.owner = owner;
      this.window = window;
    }

    @Nullable BrokerView view(long nowNanos) {
      ProbeMessage.Report r = last;
      if (r == null) {
        return null; // connected but not yet reported: nothing to redirect to
      }
      double mean = window.mean(nowNanos);
      return new BrokerView(
          id,
          r.endpoints(),
          Double.isNaN(mean) ? r.cpu() : mean,
          r.cpu(),
          r.mem(),
          r.connections(),
          r.msgRate(),
          r.capacity(),
          r.healthy(),
          localDraining || (probeState != null && probeState.refusesNewDevices()),
          reportedAtNanos,
          r.group(),
          cpuSettlesAtNanos);
    }
  }
}

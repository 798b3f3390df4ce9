package io.mqttdispatcher.probe.evict;

import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanState;
import io.mqttdispatcher.protocol.PlanStatus;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plan {@link ProbeControl} holds: after its wait, takes over known clients at the plan's
 * rate (a token bucket refilled every tick, bursts capped at a quarter second's worth), and ends
 * the plan when nothing movable is left (evacuation: also when the broker's count reaches 0 and no
 * movable id is known). A rebalance otherwise ends when a dispatcher sees the donor within its
 * thresholds and says so.
 */
public final class EvictionRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvictionRunner.class);
  static final Duration TICK = Duration.ofMillis(50);

  /** A plan with nothing movable for this long is done. */
  static final Duration NOTHING_LEFT_AFTER = Duration.ofSeconds(3);

  /** Consecutive refused takeovers after which the plan fails. */
  static final int MAX_FAILURES_IN_A_ROW = 50;

  private final ProbeControl control;
  private final KnownClients known;
  private final Evictor evictor;
  private final Supplier<OptionalLong> connections;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "probe-evictor");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger failuresInARow = new AtomicInteger();

  /** Takeovers started under the current plan and not failed: counts against its device limit. */
  private final AtomicLong taken = new AtomicLong();

  /** When every device of a limited plan was moved (0 before), by the step clock: its hold. */
  private long heldSinceNanos;

  // Owned by the evictor thread.
  private double tokens;
  private long lastTickNanos;
  private long nothingSinceNanos;
  private String planId = "";

  public EvictionRunner(
      ProbeControl control,
      KnownClients known,
      Evictor evictor,
      Supplier<OptionalLong> connections) {
    this.control = control;
    this.known = known;
    this.evictor = evictor;
    this.connections = connections;
  }

  public void start() {
    thread.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      step(System.nanoTime());
    } catch (RuntimeException e) {
      LOG.warn("eviction step failed: {}", e.toString());
    }
  }

  /** One tick at {@code now}; package-private so tests can drive the clock. */
  void step(long now) {
    PlanStatus s = control.running();
    if (s == null) {
      tokens = 0;
      return;
    }
    String id = s.plan().id();
    if (!id.equals(planId)) {
      planId = id;
      tokens = 0;
      lastTickNanos = now;
      nothingSinceNanos = 0;
      failuresInARow.set(0);
      taken.set(0);
      heldSinceNanos = 0;
    }
    if (s.state() == PlanState.WAITING) {
      if (control.sinceAcceptedNanos(now) < TimeUnit.MILLISECONDS.toNanos(s.plan().waitMillis())) {
        lastTickNanos = now;
        return;
      }
      control.startEvicting(id);
    }
    boolean sessions = s.plan().includeSessions();
    control.skipped(id, sessions ? 0 : known.sessionCount());
    if (failuresInARow.get() >= MAX_FAILURES_IN_A_ROW) {
      control.finish(
          id,
          PlanState.FAILED,
          "the broker refused " + MAX_FAILURES_IN_A_ROW + " takeovers in a row",
          List.of());
      return;
    }
    // The $SYS count lags the broker by up to its interval: a 0 is believed only when nothing known
    // contradicts it (no movable id left, no takeover in flight), or an evacuation would end before
    // it moved the devices that connected since the broker last published it.
    OptionalLong count = connections.get();
    if (s.plan().kind() == PlanKind.EVACUATE
        && count.isPresent()
        && count.getAsLong() == 0
        && inFlight.get() == 0
        && !known.hasMovable(sessions)) {
      control.finish(id, PlanState.DONE, "the broker has no connection left", List.of());
      return;
    }
    long max = s.plan().maxDevices();
    if (max > 0 && taken.get() >= max) {
      // Every device the plan asked for is moved (or on its way): hold the donor out of placement
      // while they land elsewhere, then end.
      if (inFlight.get() > 0) {
        return;
      }
      if (heldSinceNanos == 0) {
        heldSinceNanos = now;
      }
      if (now - heldSinceNanos >= TimeUnit.MILLISECONDS.toNanos(s.plan().holdMillis())) {
        control.finish(id, PlanState.DONE, "moved " + max + " of " + max + " devices", List.of());
      }
      return;
    }
    java.util.Set<String> skip = java.util.Set.copyOf(s.plan().skip());
    double rate = s.plan().rate();
    tokens = Math.min(tokens + rate * (now - lastTickNanos) / 1e9, Math.max(1, rate / 4));
    lastTickNanos = now;
    int maxInFlight = (int) Math.min(1000, Math.max(8, rate));
    boolean foundAny = false;
    while (tokens >= 1 && inFlight.get() < maxInFlight && (max == 0 || taken.get() < max)) {
      String clientId = known.takeMovable(sessions, s.plan().newestFirst(), skip);
      if (clientId == null) {
        break;
      }
      foundAny = true;
      tokens -= 1;
      taken.incrementAndGet();
      inFlight.incrementAndGet();
      evictor
          .evict(clientId)
          .whenComplete(
              (v, e) -> {
                if (e == null) {
                  failuresInARow.set(0);
                  control.evicted(id, clientId);
                } else {
                  taken.decrementAndGet();
                  failuresInARow.incrementAndGet();
                  LOG.debug("takeover of {} failed: {}", clientId, e.toString());
                }
                inFlight.decrementAndGet();
              });
    }
    if (foundAny || tokens < 1 || inFlight.get() > 0) {
      nothingSinceNanos = 0;
      return;
    }
    if (nothingSinceNanos == 0) {
      nothingSinceNanos = now;
    } else if (now - nothingSinceNanos >= NOTHING_LEFT_AFTER.toNanos()) {
      List<String> remaining =
          known.withSession(io.mqttdispatcher.protocol.PlanStatus.MAX_REMAINING);
      String reason =
          remaining.isEmpty() || sessions
              ? "no movable device known on this broker"
              : "only devices that must not be moved remain (they keep a session)";
      control.finish(id, PlanState.DONE, reason, sessions ? List.of() : remaining);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    evictor.close();
  }
}

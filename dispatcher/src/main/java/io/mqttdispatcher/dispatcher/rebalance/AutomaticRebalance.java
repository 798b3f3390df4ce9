package io.mqttdispatcher.dispatcher.rebalance;

import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger.Decision;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic mode: once a second, measures the brokers' connections per unit of capacity and, when
 * {@link AutomaticTrigger} says so, starts a rebalance through the same {@link Rebalancer} an
 * operator uses, with the trigger's tighter stop thresholds. A plan that runs (whoever started it,
 * on whichever replica) holds the trigger; each replica waits a random extra of up to a fifth of
 * the sustain time, so that with several replicas one starts first and the others see its plan in
 * the donors' reports (a probe takes one plan at a time). Runs on the control-plane event loop.
 */
public final class AutomaticRebalance {
  private static final Logger LOG = LoggerFactory.getLogger(AutomaticRebalance.class);

  /** How often the trigger looks at the loads. */
  public static final long TICK_MS = 1000;

  /**
   * Time between the start and the first eviction, so every replica has seen the donors draining.
   */
  static final Duration WAIT_BEFORE_EVICTION = Duration.ofSeconds(3);

  private final AutomaticTrigger trigger;
  private final Rebalancer rebalancer;
  private final BrokerRegistry registry;
  private Decision last = Decision.BALANCED;
  private @Nullable String lastPlan;
  private @Nullable String lastRefusal;
  private long starts;

  public AutomaticRebalance(
      AutomaticTrigger.Settings settings, Rebalancer rebalancer, BrokerRegistry registry) {
    Duration jitter =
        Duration.ofNanos(
            ThreadLocalRandom.current().nextLong(settings.sustain().toNanos() / 5 + 1));
    AutomaticTrigger.Settings replica =
        new AutomaticTrigger.Settings(
            settings.sustain().plus(jitter),
            settings.coolDown(),
            settings.absThreshold(),
            settings.relThreshold(),
            settings.stopFactor(),
            settings.rate());
    this.trigger = new AutomaticTrigger(replica);
    this.rebalancer = rebalancer;
    this.registry = registry;
  }

  /** One look at the loads at {@code nowNanos}; starts a plan when the trigger says so. */
  public void tick(long nowNanos) {
    boolean running = rebalancer.status().running();
    Decision d = trigger.tick(nowNanos, loads(nowNanos), running);
    if (d != last) {
      LOG.info("automatic rebalance: {}", describe(d, nowNanos));
      last = d;
    }
    if (d != Decision.START) {
      return;
    }
    AutomaticTrigger.Settings s = trigger.settings();
    trigger.started(nowNanos);
    starts++;
    RebalanceRequest request =
        new RebalanceRequest(
            s.rate(),
            s.stopAbsThreshold(),
            s.stopRelThreshold(),
            WAIT_BEFORE_EVICTION,
            false,
            List.of(),
            List.of());
    rebalancer
        .start(request)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                lastPlan = ar.result().id();
                lastRefusal = null;
                LOG.info("automatic rebalance: started plan {}", lastPlan);
              } else {
                lastRefusal = ar.cause().getMessage();
                LOG.info("automatic rebalance: no plan started: {}", lastRefusal);
              }
            });
  }

  /** What the status page and {@code GET /rebalance} show under {@code automatic}. */
  public JsonObject status(long nowNanos) {
    AutomaticTrigger.Settings s = trigger.settings();
    JsonObject o =
        new JsonObject()
            .put("enabled", true)
            .put("state", last.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .put("detail", describe(last, nowNanos))
            .put("imbalancedSeconds", trigger.imbalancedFor(nowNanos).toMillis() / 1000.0)
            .put("sustainSeconds", s.sustain().toMillis() / 1000.0)
            .put("coolDownSeconds", s.coolDown().toMillis() / 1000.0)
            .put("absThreshold", s.absThreshold())
            .put("relThreshold", s.relThreshold())
            .put("stopAbsThreshold", s.stopAbsThreshold())
            .put("stopRelThreshold", s.stopRelThreshold())
            .put("rate", s.rate())
            .put("starts", starts);
    if (lastPlan != null) {
      o.put("lastPlan", lastPlan);
    }
    if (lastRefusal != null) {
      o.put("lastRefusal", lastRefusal);
    }
    return o;
  }

  private String describe(Decision d, long nowNanos) {
    AutomaticTrigger.Settings s = trigger.settings();
    return switch (d) {
      case BALANCED ->
          "balanced within " + s.absThreshold() + " connections or " + s.relThreshold() + " times";
      case WAITING ->
          "imbalanced for "
              + trigger.imbalancedFor(nowNanos).toSeconds()
              + " s of "
              + s.sustain().toSeconds()
              + " s";
      case COOLING_DOWN ->
          "imbalanced, cooling down (" + s.coolDown().toSeconds() + " s after the last plan)";
      case RUNNING -> "a rebalance is running";
      case START -> "starting a rebalance";
    };
  }

  /** Connections per unit of capacity of each broker that takes new devices. */
  private List<AutomaticTrigger.Load> loads(long nowNanos) {
    List<AutomaticTrigger.Load> loads = new ArrayList<>();
    for (BrokerView b : registry.snapshot().brokers()) {
      if (b.connections().isPresent()
          && b.healthy()
          && !b.draining()
          && b.freshAt(nowNanos, registry.staleAfterNanos())) {
        loads.add(new AutomaticTrigger.Load(b.id(), b.connections().getAsLong() / b.capacity()));
      }
    }
    return loads;
  }
}

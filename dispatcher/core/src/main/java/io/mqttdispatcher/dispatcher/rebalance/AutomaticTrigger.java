package io.mqttdispatcher.dispatcher.rebalance;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * When automatic mode starts a rebalance: the imbalance must stay above the start thresholds for
 * {@link Settings#sustain()} in a row, no plan may be running, and no plan may have started or
 * ended within {@link Settings#coolDown()}. The plan it asks for stops at tighter thresholds
 * ({@link Settings#stopFactor()} of the start ones), so the spread a plan leaves is well inside
 * what starts the next: hysteresis, never oscillation. Pure: loads and the clock are passed in.
 */
public final class AutomaticTrigger {
  /**
   * @param sustain how long the imbalance must last before a plan starts
   * @param coolDown the least time between a plan's start or end and the next start
   * @param absThreshold imbalanced when a broker above the mean is more than this above the
   *     below-mean brokers' mean...
   * @param relThreshold ... and more than this times that mean (EMQX's two thresholds)
   * @param stopFactor the started plan's thresholds are the start ones tightened by this (0..1]:
   *     absolute times it, relative 1 + (relative - 1) times it
   * @param rate devices each donor moves per second in a plan it starts
   */
  public record Settings(
      Duration sustain,
      Duration coolDown,
      double absThreshold,
      double relThreshold,
      double stopFactor,
      double rate) {
    public Settings {
      if (!(rate > 0)) {
        throw new IllegalArgumentException(
            "automatic rebalance rate must be above 0 devices per second");
      }
      if (sustain.isNegative() || coolDown.isNegative()) {
        throw new IllegalArgumentException("automatic rebalance times must be 0 or more");
      }
      if (!(absThreshold >= 0) || !(relThreshold >= 1)) {
        throw new IllegalArgumentException(
            "automatic rebalance thresholds: absolute 0 or more, relative 1 or more");
      }
      if (!(stopFactor > 0 && stopFactor <= 1)) {
        throw new IllegalArgumentException(
            "automatic rebalance stop factor must be within (0, 1], got " + stopFactor);
      }
    }

    /** The absolute threshold at which a started plan stops. */
    public double stopAbsThreshold() {
      return absThreshold * stopFactor;
    }

    /** The relative threshold at which a started plan stops. */
    public double stopRelThreshold() {
      return 1 + (relThreshold - 1) * stopFactor;
    }
  }

  /** A broker that takes devices, with its load (connections per unit of capacity). */
  public record Load(String id, double load) {}

  /** What the trigger says at one tick. */
  public enum Decision {
    /** Start a plan now with the stop thresholds. */
    START,
    /** Balanced within the start thresholds. */
    BALANCED,
    /** Imbalanced, but not yet for long enough. */
    WAITING,
    /** Imbalanced long enough, but a plan started or ended too recently. */
    COOLING_DOWN,
    /** A plan is running. */
    RUNNING
  }

  private final Settings settings;
  private @Nullable Long imbalancedSinceNanos;
  private @Nullable Long lastPlanNanos;
  private boolean wasRunning;

  public AutomaticTrigger(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * One tick at {@code nowNanos}: {@code loads} of the brokers that take devices, and whether a
   * rebalance is running (started by anyone). On {@link Decision#START} the caller starts the plan
   * and tells {@link #started(long)} when it did.
   */
  public Decision tick(long nowNanos, List<Load> loads, boolean planRunning) {
    if (planRunning) {
      wasRunning = true;
      imbalancedSinceNanos = null;
      return Decision.RUNNING;
    }
    if (wasRunning) { // a plan ended: the cool-down counts from its end too
      wasRunning = false;
      lastPlanNanos = nowNanos;
    }
    if (!imbalanced(loads, settings.absThreshold(), settings.relThreshold())) {
      imbalancedSinceNanos = null;
      return Decision.BALANCED;
    }
    if (imbalancedSinceNanos == null) {
      imbalancedSinceNanos = nowNanos;
    }
    if (nowNanos - imbalancedSinceNanos < settings.sustain().toNanos()) {
      return Decision.WAITING;
    }
    if (lastPlanNanos != null && nowNanos - lastPlanNanos < settings.coolDown().toNanos()) {
      return Decision.COOLING_DOWN;
    }
    return Decision.START;
  }

  /**
   * The caller started a plan at {@code nowNanos} (on {@link Decision#START}, or an operator did).
   */
  public void started(long nowNanos) {
    lastPlanNanos = nowNanos;
    imbalancedSinceNanos = null;
  }

  /** How long the current imbalance has lasted at {@code nowNanos}, or zero when balanced. */
  public Duration imbalancedFor(long nowNanos) {
    return imbalancedSinceNanos == null
        ? Duration.ZERO
        : Duration.ofNanos(nowNanos - imbalancedSinceNanos);
  }

  /**
   * Whether some broker above the mean is outside the thresholds of the below-mean brokers' mean:
   * the same rule {@link PlanChooser} uses to pick donors, so a start is never refused as balanced.
   */
  public static boolean imbalanced(List<Load> loads, double abs, double rel) {
    if (loads.size() < 2) {
      return false;
    }
    double mean = loads.stream().mapToDouble(Load::load).average().orElse(0);
    double below =
        loads.stream().mapToDouble(Load::load).filter(l -> l < mean).average().orElse(Double.NaN);
    if (Double.isNaN(below)) {
      return false;
    }
    return loads.stream()
        .anyMatch(l -> l.load() > mean && !PlanChooser.withinThresholds(l.load(), below, abs, rel));
  }
}

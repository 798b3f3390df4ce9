package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Picks the broker with the lowest score, breaking ties at random. */
final class Ties {
  /** Scores closer than this (0.5 percentage points of load) are treated as equal. */
  static final double TOLERANCE = 0.005;

  /** Tie-break values closer than this (half a device, for client counts) are treated as equal. */
  static final double TIE_BREAK_TOLERANCE = 0.5;

  /**
   * The random source of policies in the dispatcher: each calling thread draws from its own {@link
   * ThreadLocalRandom}, so it is safe on every device event loop at once. A seeded generator given
   * instead makes a policy repeatable, for the simulator, on one thread.
   */
  static final RandomGenerator PER_THREAD = () -> ThreadLocalRandom.current().nextLong();

  private Ties() {}

  /**
   * Index of the lowest of {@code scores} (which must not be empty), ties broken with {@code
   * random}.
   */
  static int lowest(double[] scores, RandomGenerator random) {
    double lowest = Double.MAX_VALUE;
    for (double v : scores) {
      lowest = Math.min(lowest, v);
    }
    int chosen = 0;
    int tied = 0;
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] - lowest <= TOLERANCE) {
        tied++;
        if (tied == 1 || random.nextInt(tied) == 0) {
          chosen = i;
        }
      }
    }
    return chosen;
  }

  /**
   * Index of the lowest of {@code scores}; among the scores tied with it, the lowest of {@code
   * tieBreak} (values within {@link #TIE_BREAK_TOLERANCE} of each other count as equal), then at
   * random.
   */
  static int lowest(double[] scores, double[] tieBreak, RandomGenerator random) {
    double lowest = Double.MAX_VALUE;
    for (double v : scores) {
      lowest = Math.min(lowest, v);
    }
    double lowestBreak = Double.MAX_VALUE;
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] - lowest <= TOLERANCE) {
        lowestBreak = Math.min(lowestBreak, tieBreak[i]);
      }
    }
    int chosen = 0;
    int tied = 0;
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] - lowest <= TOLERANCE && tieBreak[i] - lowestBreak <= TIE_BREAK_TOLERANCE) {
        tied++;
        if (tied == 1 || random.nextInt(tied) == 0) {
          chosen = i;
        }
      }
    }
    return chosen;
  }

  static @Nullable BrokerView lowest(
      List<BrokerView> brokers, ToDoubleFunction<BrokerView> score, RandomGenerator random) {
    int n = brokers.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return brokers.get(0);
    }
    double lowest = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      lowest = Math.min(lowest, score.applyAsDouble(brokers.get(i)));
    }
    // Reservoir sampling over the tied brokers: a uniform choice without building a list.
    BrokerView chosen = null;
    int tied = 0;
    for (int i = 0; i < n; i++) {
      if (score.applyAsDouble(brokers.get(i)) - lowest <= TOLERANCE) {
        tied++;
        if (tied == 1 || random.nextInt(tied) == 0) {
          chosen = brokers.get(i);
        }
      }
    }
    return chosen;
  }
}

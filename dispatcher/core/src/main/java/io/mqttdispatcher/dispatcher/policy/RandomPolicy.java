package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** A usable broker chosen uniformly at random, ignoring load: a baseline for comparison. */
public final class RandomPolicy implements BrokerPolicy {
  private final RandomGenerator random;

  /** Draws from each calling thread's own random source. */
  public RandomPolicy() {
    this(Ties.PER_THREAD);
  }

  /**
   * @param random where choices come from; a seeded generator makes them repeatable (one thread
   *     only)
   */
  public RandomPolicy(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    return usable.isEmpty() ? null : usable.get(random.nextInt(usable.size()));
  }
}

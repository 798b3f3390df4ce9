package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The published baseline: the broker with the lowest CPU averaged over the load window. Brokers
 * within {@link #TIE_TOLERANCE} of the lowest count as tied and a tie is broken at random. Between
 * two reports every device goes to the same broker, which is the weakness {@link LeastLoadPolicy}
 * fixes. Like the published rule, it ignores capacity: the lowest utilisation wins, however much
 * work the broker can take.
 */
public final class LeastCpuPolicy implements BrokerPolicy {
  /** Mean CPU values closer than this (0.5 percentage points) are treated as equal. */
  public static final double TIE_TOLERANCE = Ties.TOLERANCE;

  private final RandomGenerator random;

  /** Ties broken with each calling thread's own random source. */
  public LeastCpuPolicy() {
    this(Ties.PER_THREAD);
  }

  /**
   * @param random breaks ties; a seeded generator makes the choices repeatable (one thread only)
   */
  public LeastCpuPolicy(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    return Ties.lowest(usable, BrokerView::meanCpu, random);
  }
}

package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The published baseline: the broker with the lowest CPU averaged over the load window. Brokers
 * within {@link #TIE_TOLERANCE} of the lowest count as tied and a tie is broken at random. Between
 * two reports every device goes to the same broker, which is the weakness {@link LeastLoadPolicy}
 * fixes.
 */
public final class LeastCpuPolicy implements BrokerPolicy {
  /** Mean CPU values closer than this (0.5 percentage points) are treated as equal. */
  public static final double TIE_TOLERANCE = Ties.TOLERANCE;

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    return Ties.lowest(usable, BrokerView::meanCpu);
  }
}

package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The published baseline: the broker with the lowest CPU averaged over the load window. Brokers
 * within {@link #TIE_TOLERANCE} of the lowest count as tied, and a tie is broken at random, so equal
 * brokers share a burst of connects instead of all of it going to the first in the list.
 */
public final class LeastCpuPolicy implements BrokerPolicy {
  /** Mean CPU values closer than this (0.5 percentage points) are treated as equal. */
  public static final double TIE_TOLERANCE = 0.005;

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts) {
    int n = usable.size();
    if (n == 0) {
      return null;
    }
    double lowest = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      lowest = Math.min(lowest, usable.get(i).meanCpu());
    }
    // Reservoir sampling over the tied brokers: uniform choice without building a list.
    BrokerView chosen = null;
    int tied = 0;
    for (int i = 0; i < n; i++) {
      BrokerView b = usable.get(i);
      if (b.meanCpu() - lowest <= TIE_TOLERANCE) {
        tied++;
        if (tied == 1 || ThreadLocalRandom.current().nextInt(tied) == 0) {
          chosen = b;
        }
      }
    }
    return chosen;
  }
}

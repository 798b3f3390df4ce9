package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The broker with the fewest clients relative to its capacity, as its probe reads them from the
 * broker's {@code $SYS} tree. A broker whose probe does not know its client count counts as empty.
 */
public final class LeastConnectionsPolicy implements BrokerPolicy {
  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    if (usable.isEmpty()) {
      return null;
    }
    BrokerView chosen = null;
    double fewest = Double.MAX_VALUE;
    for (BrokerView b : usable) {
      double load = b.connections().orElse(0) / b.capacity();
      if (load < fewest) {
        fewest = load;
        chosen = b;
      }
    }
    return chosen;
  }
}

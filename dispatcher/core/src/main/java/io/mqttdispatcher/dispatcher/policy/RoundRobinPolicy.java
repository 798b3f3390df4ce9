package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Each usable broker in turn, ignoring load: what DNS round-robin gives, for comparison. */
public final class RoundRobinPolicy implements BrokerPolicy {
  private final AtomicLong next = new AtomicLong();

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    if (usable.isEmpty()) {
      return null;
    }
    return usable.get((int) Math.floorMod(next.getAndIncrement(), (long) usable.size()));
  }
}

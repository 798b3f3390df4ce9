package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** A usable broker chosen uniformly at random, ignoring load: a baseline for comparison. */
public final class RandomPolicy implements BrokerPolicy {
  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    return usable.isEmpty() ? null : usable.get(ThreadLocalRandom.current().nextInt(usable.size()));
  }
}

package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broker endpoints that are down now, as the scenario that stopped them knows: a failed connection
 * attempt to one of them counts as an attempt that went to a dead endpoint.
 */
public final class DeadEndpoints {
  private final Set<HostPort> down = ConcurrentHashMap.newKeySet();

  /** From now on {@code endpoint} is dead (call just before stopping its broker). */
  public void markDown(HostPort endpoint) {
    down.add(endpoint);
  }

  /** {@code endpoint} accepts connections again (call once its broker listens). */
  public void markUp(HostPort endpoint) {
    down.remove(endpoint);
  }

  public boolean isDown(HostPort endpoint) {
    return down.contains(endpoint);
  }
}

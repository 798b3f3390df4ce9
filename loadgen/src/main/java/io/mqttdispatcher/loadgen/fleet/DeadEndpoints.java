package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broker endpoints that are down now, and since when, as the scenario that stopped them knows: a
 * failed connection attempt counts as one that went to a dead endpoint when its endpoint was
 * already down as the attempt began (for a device of the dispatcher: when the redirect sent it
 * there), not when a live broker died under an attempt already on its way.
 */
public final class DeadEndpoints {
  private final Map<HostPort, Long> downSinceNanos = new ConcurrentHashMap<>();

  /** From now on {@code endpoint} is dead (call just before stopping its broker). */
  public void markDown(HostPort endpoint) {
    downSinceNanos.putIfAbsent(endpoint, System.nanoTime());
  }

  /** {@code endpoint} accepts connections again (call once its broker listens). */
  public void markUp(HostPort endpoint) {
    downSinceNanos.remove(endpoint);
  }

  /**
   * Whether {@code endpoint} is down now and already was at {@code nanoTime} ({@link
   * System#nanoTime()}).
   */
  public boolean wasDownAt(HostPort endpoint, long nanoTime) {
    Long since = downSinceNanos.get(endpoint);
    return since != null && since - nanoTime <= 0;
  }
}

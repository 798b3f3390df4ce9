package io.mqttdispatcher.dispatcher.rebalance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Message rates of devices, learned by moving them: the drop on the broker a device left. Bounded:
 * past {@code capacity} the weight learned or used longest ago is forgotten, so memory never grows
 * with the fleet. Not thread-safe (owned by the control-plane event loop).
 */
public final class DeviceWeights {
  /** Weights remembered by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final LinkedHashMap<String, Double> weights;

  public DeviceWeights(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a weight table holds at least 1 device");
    }
    this.weights =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Records that {@code clientId} sends {@code rate} messages per second (the latest word wins).
   */
  public void learned(String clientId, double rate) {
    weights.put(clientId, Math.max(0, rate));
  }

  public OptionalDouble weight(String clientId) {
    Double w = weights.get(clientId);
    return w == null ? OptionalDouble.empty() : OptionalDouble.of(w);
  }

  /** Known devices, the most recently learned or used first. */
  public List<Map.Entry<String, Double>> newestFirst() {
    List<Map.Entry<String, Double>> all = new ArrayList<>(weights.entrySet());
    java.util.Collections.reverse(all);
    return all;
  }

  public int size() {
    return weights.size();
  }
}

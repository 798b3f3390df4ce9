package io.mqttdispatcher.dispatcher.registry;

import io.mqttdispatcher.protocol.Transport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every known broker at one moment, plus, per transport, the brokers that are healthy, not draining
 * and have an endpoint for it. Freshness depends on the time of the CONNECT, so it is checked in
 * {@link #usable}, which allocates nothing while every candidate is fresh.
 */
public final class BrokerSnapshot {
  private final List<BrokerView> brokers;
  private final Map<Transport, List<BrokerView>> candidates = new EnumMap<>(Transport.class);
  private final long staleAfterNanos;

  public BrokerSnapshot(List<BrokerView> brokers, long staleAfterNanos) {
    this.brokers = List.copyOf(brokers);
    this.staleAfterNanos = staleAfterNanos;
    for (Transport t : Transport.values()) {
      List<BrokerView> list = new ArrayList<>();
      for (BrokerView b : this.brokers) {
        if (b.healthy() && !b.draining() && b.endpoint(t) != null) {
          list.add(b);
        }
      }
      candidates.put(t, List.copyOf(list));
    }
  }

  /** All brokers with an open probe connection, usable or not. */
  public List<BrokerView> brokers() {
    return brokers;
  }

  /** The brokers a device arriving over {@code transport} at {@code nowNanos} may be sent to. */
  public List<BrokerView> usable(Transport transport, long nowNanos) {
    List<BrokerView> list = candidates.get(transport);
    int n = list.size();
    for (int i = 0; i < n; i++) {
      if (!list.get(i).freshAt(nowNanos, staleAfterNanos)) {
        return withoutStale(list, nowNanos);
      }
    }
    return list;
  }

  private List<BrokerView> withoutStale(List<BrokerView> list, long nowNanos) {
    List<BrokerView> fresh = new ArrayList<>(list.size());
    for (BrokerView b : list) {
      if (b.freshAt(nowNanos, staleAfterNanos)) {
        fresh.add(b);
      }
    }
    return fresh;
  }
}

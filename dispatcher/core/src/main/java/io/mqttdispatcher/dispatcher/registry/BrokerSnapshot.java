package io.mqttdispatcher.dispatcher.registry;

import io.mqttdispatcher.protocol.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Every known broker at one moment, plus, per transport, the brokers that are healthy, not draining
 * and have an endpoint for it, both over all brokers and per group. Freshness depends on the time
 * of the CONNECT, so it is checked in {@link #usable}, which allocates nothing while every
 * candidate is fresh.
 */
public final class BrokerSnapshot {
  private final List<BrokerView> brokers;
  private final Map<Transport, List<BrokerView>> candidates = new EnumMap<>(Transport.class);
  private final Map<String, Map<Transport, List<BrokerView>>> groupCandidates = new HashMap<>();
  private final Map<String, List<BrokerView>> groups;
  private final List<String> groupNames;
  private final long staleAfterNanos;
  private final Map<String, Long> gatheringUntil;

  public BrokerSnapshot(List<BrokerView> brokers, long staleAfterNanos) {
    this(brokers, staleAfterNanos, Map.of());
  }

  /**
   * @param gatheringUntil per group name ({@code ""} for the pool of every broker), until when
   *     devices of that group wait for its other brokers to come back ({@link Gathering})
   */
  public BrokerSnapshot(
      List<BrokerView> brokers, long staleAfterNanos, Map<String, Long> gatheringUntil) {
    this.brokers = List.copyOf(brokers);
    this.staleAfterNanos = staleAfterNanos;
    this.gatheringUntil = Map.copyOf(gatheringUntil);
    Map<String, List<BrokerView>> members = new TreeMap<>();
    for (BrokerView b : this.brokers) {
      members.computeIfAbsent(b.group().name(), g -> new ArrayList<>()).add(b);
    }
    members.replaceAll((g, list) -> List.copyOf(list));
    this.groups = Collections.unmodifiableMap(members);
    this.groupNames = List.copyOf(members.keySet());
    for (Transport t : Transport.values()) {
      candidates.put(t, candidatesOf(this.brokers, t));
    }
    for (Map.Entry<String, List<BrokerView>> g : groups.entrySet()) {
      Map<Transport, List<BrokerView>> perTransport = new EnumMap<>(Transport.class);
      for (Transport t : Transport.values()) {
        perTransport.put(t, candidatesOf(g.getValue(), t));
      }
      groupCandidates.put(g.getKey(), perTransport);
    }
  }

  private static List<BrokerView> candidatesOf(List<BrokerView> brokers, Transport t) {
    List<BrokerView> list = new ArrayList<>();
    for (BrokerView b : brokers) {
      if (b.healthy() && !b.draining() && b.endpoint(t) != null) {
        list.add(b);
      }
    }
    return List.copyOf(list);
  }

  /**
   * Whether devices of {@code group} (null: the pool of every broker) should wait at {@code
   * nowNanos} for the group's other brokers to come back after an outage. Costs one emptiness check
   * when nothing gathers.
   */
  public boolean gathering(@Nullable String group, long nowNanos) {
    if (gatheringUntil.isEmpty()) {
      return false;
    }
    Long until = gatheringUntil.get(group == null ? Gathering.POOL : group);
    return until != null && nowNanos < until;
  }

  /**
   * Whether some broker of {@code group} (null: any broker) is usable at {@code nowNanos} for some
   * transport: healthy, not draining, reporting.
   */
  public boolean anyUsable(@Nullable String group, long nowNanos) {
    List<BrokerView> members = group == null ? brokers : groups.getOrDefault(group, List.of());
    for (BrokerView b : members) {
      if (b.healthy() && !b.draining() && b.freshAt(nowNanos, staleAfterNanos)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some group (or the pool) gathers its brokers in this snapshot. */
  public boolean gathering() {
    return !gatheringUntil.isEmpty();
  }

  /** Whether some gathering that this snapshot shows has ended by {@code nowNanos}. */
  boolean gatheringEndsBy(long nowNanos) {
    for (long until : gatheringUntil.values()) {
      if (nowNanos >= until) {
        return true;
      }
    }
    return false;
  }

  /** All brokers with an open probe connection, usable or not. */
  public List<BrokerView> brokers() {
    return brokers;
  }

  /** Every group some broker advertises, by name (sorted), with its brokers, usable or not. */
  public Map<String, List<BrokerView>> groups() {
    return groups;
  }

  /** The names of {@link #groups()}, sorted. */
  public List<String> groupNames() {
    return groupNames;
  }

  /** The brokers a device arriving over {@code transport} at {@code nowNanos} may be sent to. */
  public List<BrokerView> usable(Transport transport, long nowNanos) {
    return fresh(Objects.requireNonNullElse(candidates.get(transport), List.of()), nowNanos);
  }

  /**
   * The brokers of {@code group} a device arriving over {@code transport} at {@code nowNanos} may
   * be sent to; empty when no broker advertises that group.
   */
  public List<BrokerView> usable(String group, Transport transport, long nowNanos) {
    Map<Transport, List<BrokerView>> perTransport = groupCandidates.get(group);
    return perTransport == null
        ? List.of()
        : fresh(Objects.requireNonNullElse(perTransport.get(transport), List.of()), nowNanos);
  }

  private List<BrokerView> fresh(List<BrokerView> list, long nowNanos) {
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

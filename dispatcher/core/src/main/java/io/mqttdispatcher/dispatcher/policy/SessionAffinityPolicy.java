package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sends a device that has a session (see {@link ConnectFacts#hasSession()}) back to the broker that
 * holds it; other devices go where the wrapped load policy says.
 *
 * <p>A session device without a record is placed by bounded-load consistent hashing (Mirrokni,
 * Thorup and Zadimoghaddam, 2016): it walks its weighted rendezvous ranking of the usable brokers
 * and takes the first one whose load is at most (1 + epsilon) times the mean load of the usable
 * brokers ({@link BoundedLoad}). The load is the reported utilisation, which every dispatcher
 * replica receives alike, so replicas make the same choice without sharing state.
 *
 * <p>The choice is recorded ({@link SessionRecords}), so the device keeps its broker while brokers
 * join or loads change, for as long as its session can live; its broker's load does not send it
 * away, since its session is there. When its broker is gone or draining, the device is placed anew.
 * The table is bounded; a device whose record was evicted is placed by the same walk again.
 *
 * <p>When every usable broker belongs to one group whose probes say it is a cluster (sessions
 * shared by all its nodes), a session device goes wherever the load policy says, like any other
 * device: its session is on every node, so no node is its own.
 */
public final class SessionAffinityPolicy implements BrokerPolicy {
  /** Records kept at most. */
  public static final int DEFAULT_MAX_RECORDS = 1_000_000;

  /**
   * How long a record lives when the CONNECT gives no Session Expiry Interval (Clean Start = 0).
   */
  static final Duration DEFAULT_RECORD_TTL = Duration.ofDays(1);

  private static final long MAX_TTL_SECONDS = TimeUnit.DAYS.toSeconds(30);

  private final BrokerPolicy delegate;
  private final SessionRecords records;
  private final BoundedLoad bound;

  public SessionAffinityPolicy(BrokerPolicy delegate, SessionRecords records, BoundedLoad bound) {
    this.delegate = delegate;
    this.records = records;
    this.bound = bound;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    if (!facts.hasSession() || sharesSessions(usable)) {
      return delegate.choose(usable, facts, nowNanos);
    }
    long key = records.key(facts.clientId()); // hashed once for the lookup and the record
    String placed = records.brokerOf(key, nowNanos);
    BrokerView chosen = placed == null ? null : byId(usable, placed);
    if (chosen == null) {
      chosen = bound.place(usable, facts.clientId());
    }
    if (chosen != null) {
      long ttlSeconds =
          facts.sessionExpirySeconds() > 0
              ? Math.min(facts.sessionExpirySeconds(), MAX_TTL_SECONDS)
              : DEFAULT_RECORD_TTL.toSeconds();
      records.record(key, chosen.id(), ttlSeconds, nowNanos);
    }
    return chosen;
  }

  /** The session records this policy keeps. */
  public SessionRecords records() {
    return records;
  }

  /**
   * Whether the brokers are nodes of one cluster group, so any of them holds every session of the
   * group.
   */
  static boolean sharesSessions(List<BrokerView> usable) {
    int n = usable.size();
    if (n == 0 || !usable.get(0).group().cluster()) {
      return false;
    }
    String group = usable.get(0).group().name();
    for (int i = 1; i < n; i++) {
      BrokerView b = usable.get(i);
      if (!b.group().cluster() || !b.group().name().equals(group)) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable BrokerView byId(List<BrokerView> usable, String id) {
    for (int i = 0, n = usable.size(); i < n; i++) {
      BrokerView b = usable.get(i);
      if (b.id().equals(id)) {
        return b;
      }
    }
    return null;
  }

  /** The broker that weighted rendezvous hashing alone gives {@code clientId}, load aside. */
  static @Nullable BrokerView rendezvous(List<BrokerView> usable, String clientId) {
    return BoundedLoad.NONE.place(usable, clientId);
  }
}

package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sends a device that has a session (see {@link ConnectFacts#hasSession()}) back to the broker that
 * holds it; other devices go where the wrapped load policy says.
 *
 * <p>A session device is placed by weighted rendezvous hashing of its client id over the usable
 * brokers, so every dispatcher replica makes the same choice without sharing state. The choice is
 * also recorded, so the device keeps its broker when brokers join later (which would change the
 * hash's answer), for as long as its session can live. When its broker is gone or draining, the
 * device is placed anew over the usable brokers. The record table is bounded: when full, devices
 * rely on the hash alone, and the cost per CONNECT never grows with the number of devices seen.
 */
public final class SessionAffinityPolicy implements BrokerPolicy {
  /** Records kept at most, about 100 bytes each. */
  public static final int DEFAULT_MAX_RECORDS = 1_000_000;
  /** How long a record lives when the CONNECT gives no Session Expiry Interval (Clean Start = 0). */
  static final Duration DEFAULT_RECORD_TTL = Duration.ofDays(1);
  private static final long MAX_TTL_SECONDS = TimeUnit.DAYS.toSeconds(30);

  private final BrokerPolicy delegate;
  private final int maxRecords;
  private final ConcurrentHashMap<String, Placement> records = new ConcurrentHashMap<>();

  public SessionAffinityPolicy(BrokerPolicy delegate, int maxRecords) {
    this.delegate = delegate;
    this.maxRecords = maxRecords;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    if (!facts.hasSession()) {
      return delegate.choose(usable, facts, nowNanos);
    }
    Placement placed = records.get(facts.clientId());
    if (placed != null && placed.expiresAtNanos - nowNanos > 0) {
      for (int i = 0, n = usable.size(); i < n; i++) {
        BrokerView b = usable.get(i);
        if (b.id().equals(placed.brokerId)) {
          record(facts, b, nowNanos);
          return b;
        }
      }
    }
    BrokerView chosen = rendezvous(usable, facts.clientId());
    if (chosen != null) {
      record(facts, chosen, nowNanos);
    }
    return chosen;
  }

  /** Number of session records held. */
  public int records() {
    return records.size();
  }

  private void record(ConnectFacts facts, BrokerView broker, long nowNanos) {
    long ttlSeconds = facts.sessionExpirySeconds() > 0
        ? Math.min(facts.sessionExpirySeconds(), MAX_TTL_SECONDS)
        : DEFAULT_RECORD_TTL.toSeconds();
    if (records.size() >= maxRecords && !records.containsKey(facts.clientId())) {
      records.values().removeIf(p -> p.expiresAtNanos - nowNanos <= 0);
      if (records.size() >= maxRecords) {
        return; // full of live sessions: the hash alone still sends this device to a stable broker
      }
    }
    records.put(facts.clientId(), new Placement(broker.id(), nowNanos + TimeUnit.SECONDS.toNanos(ttlSeconds)));
  }

  /** Weighted rendezvous hashing: the broker with the highest -capacity / ln(hash) for this client. */
  static @Nullable BrokerView rendezvous(List<BrokerView> usable, String clientId) {
    BrokerView best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0, n = usable.size(); i < n; i++) {
      BrokerView b = usable.get(i);
      double u = unit(hash(clientId, b.id()));
      double score = -b.capacity() / Math.log(u);
      if (score > bestScore) {
        bestScore = score;
        best = b;
      }
    }
    return best;
  }

  /** A 64-bit hash (FNV-1a then a finalizer) of client id and broker id; stable across JVMs. */
  static long hash(String clientId, String brokerId) {
    long h = 0xcbf29ce484222325L;
    for (byte c : clientId.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ 0xff) * 0x100000001b3L; // separator, so ("ab","c") differs from ("a","bc")
    for (byte c : brokerId.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Maps a hash to (0, 1), never 0 or 1, so its logarithm is finite and negative. */
  private static double unit(long hash) {
    return ((hash >>> 11) + 0.5) / (double) (1L << 53);
  }

  private record Placement(String brokerId, long expiresAtNanos) {}
}

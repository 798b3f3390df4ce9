package io.mqttdispatcher.dispatcher.registry;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds devices back for a moment when brokers come back after an outage, so that the first broker
 * whose probe reports does not take the whole returning wave. When a group (or, without routing
 * rules, the whole pool) had no usable broker and one becomes usable, the group is
 * <em>gathering</em> until every broker that was usable in it within {@link #MEMORY_NANOS} before
 * the gap is usable again, or the window runs out, whichever comes first. Decisions for a gathering
 * group wait (devices are parked, not refused), then the policy spreads the whole wave over every
 * broker back.
 *
 * <p>Every replica sees the same reports, so replicas gather alike without talking to each other. A
 * dispatcher that just started remembers no broker and does not gather. Not thread-safe: owned by
 * the registry's thread.
 */
final class Gathering {
  private static final Logger LOG = LoggerFactory.getLogger(Gathering.class);

  /** How long a broker is remembered as one that may come back. */
  static final long MEMORY_NANOS = 10L * 60 * 1_000_000_000;

  /** The key of the pool of every broker (devices without routing rules). */
  static final String POOL = "";

  private final long windowNanos;

  /** Per broker id: when it was last usable and in which group. */
  private final Map<String, Seen> seen = new HashMap<>();

  /** Per key: the state of its recovery. */
  private final Map<String, State> states = new HashMap<>();

  private record Seen(String group, long atNanos) {}

  private static final class State {
    boolean empty = true;
    long emptySinceNanos;

    State(long nowNanos) {
      this.emptySinceNanos = nowNanos;
    }

    long untilNanos;
    Set<String> expected = Set.of();
  }

  Gathering(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /**
   * Takes the brokers as they are at {@code nowNanos}; returns, per key (a group's name, or {@link
   * #POOL}), until when it gathers. Empty when nothing gathers.
   */
  Map<String, Long> update(List<BrokerView> brokers, long staleAfterNanos, long nowNanos) {
    Map<String, Set<String>> usable = new HashMap<>();
    usable.put(POOL, new HashSet<>());
    for (BrokerView b : brokers) {
      if (b.healthy() && !b.draining() && b.freshAt(nowNanos, staleAfterNanos)) {
        usable.computeIfAbsent(b.group().name(), g -> new HashSet<>()).add(b.id());
        usable.get(POOL).add(b.id());
      }
    }
    Map<String, Long> gathering = new HashMap<>();
    if (windowNanos > 0) {
      for (Map.Entry<String, State> e : states.entrySet()) {
        usable.putIfAbsent(e.getKey(), Set.of());
      }
      for (Map.Entry<String, Set<String>> u : usable.entrySet()) {
        long until = step(u.getKey(), u.getValue(), nowNanos);
        if (until > nowNanos) {
          gathering.put(u.getKey(), until);
        }
      }
    }
    for (BrokerView b : brokers) {
      if (usable.get(POOL).contains(b.id())) {
        seen.put(b.id(), new Seen(b.group().name(), nowNanos));
      }
    }
    seen.values().removeIf(s -> nowNanos - s.atNanos() > MEMORY_NANOS);
    return gathering;
  }

  private long step(String key, Set<String> usable, long nowNanos) {
    State s = states.computeIfAbsent(key, k -> new State(nowNanos));
    if (usable.isEmpty()) {
      if (!s.empty) {
        s.empty = true;
        s.emptySinceNanos = nowNanos;
      }
      s.untilNanos = 0;
      return 0;
    }
    if (s.empty) {
      s.empty = false;
      s.expected = remembered(key, s.emptySinceNanos);
      if (!usable.containsAll(s.expected)) {
        s.untilNanos = nowNanos + windowNanos;
        LOG.info(
            "{}: {} of {} brokers usable again after none was; gathering for up to {} ms",
            key.equals(POOL) ? "brokers" : "group " + key,
            usable.size(),
            s.expected.size(),
            windowNanos / 1_000_000);
      }
    }
    if (s.untilNanos != 0 && (usable.containsAll(s.expected) || nowNanos >= s.untilNanos)) {
      LOG.info(
          "{}: gathering ended, {} of {} brokers back",
          key.equals(POOL) ? "brokers" : "group " + key,
          s.expected.stream().filter(usable::contains).count(),
          s.expected.size());
      s.untilNanos = 0;
    }
    return s.untilNanos;
  }

  /** The brokers of {@code key} usable within the memory before {@code gapNanos}. */
  private Set<String> remembered(String key, long gapNanos) {
    Set<String> ids = new HashSet<>();
    for (Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Seen> e = it.next();
      boolean inKey = key.equals(POOL) || e.getValue().group().equals(key);
      if (inKey && gapNanos - e.getValue().atNanos() <= MEMORY_NANOS) {
        ids.add(e.getKey());
      }
    }
    return ids;
  }
}

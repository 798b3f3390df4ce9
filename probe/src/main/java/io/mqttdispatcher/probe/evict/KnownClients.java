package io.mqttdispatcher.probe.evict;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Client ids believed to be connected to this probe's broker, from the dispatchers (whom they sent
 * here) and from the broker's own connection log. Bounded: past {@code capacity} the id heard of
 * longest ago is forgotten, so memory does not grow with the fleet. Thread-safe.
 */
public final class KnownClients {
  /** Ids remembered by default. */
  public static final int DEFAULT_CAPACITY = 100_000;

  /** Ids the probe's own connections use; never taken over. */
  static final String OWN_PREFIX = "dprobe-";

  private final int capacity;

  /** Id to whether the device keeps a session; insertion order = oldest first. */
  private final LinkedHashMap<String, Boolean> ids;

  public KnownClients(int capacity) {
    this.capacity = capacity;
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KnownClients.this.capacity;
          }
        };
  }

  /** Records {@code id} as connected, keeping a session or not; the latest word wins. */
  public synchronized void connected(String id, boolean session) {
    if (id.isEmpty() || id.startsWith(OWN_PREFIX)) {
      return;
    }
    ids.remove(id); // move to the newest end
    ids.put(id, session);
  }

  /**
   * Records {@code id} as connected per the broker's log, which shows Clean Start but not Session
   * Expiry: a session the dispatchers reported for this id is kept.
   */
  public synchronized void seenInLog(String id, boolean cleanStartZero) {
    if (id.isEmpty() || id.startsWith(OWN_PREFIX)) {
      return;
    }
    Boolean before = ids.remove(id);
    ids.put(id, cleanStartZero || Boolean.TRUE.equals(before));
  }

  /** Forgets {@code id}: it disconnected. */
  public synchronized void disconnected(String id) {
    ids.remove(id);
  }

  /**
   * Takes the id heard of longest ago that may be moved (devices without a session, or any when
   * {@code includeSessions}); it is forgotten, since it is about to leave. Null when there is none.
   */
  public synchronized @Nullable String takeMovable(boolean includeSessions) {
    return takeMovable(includeSessions, false, Set.of());
  }

  /**
   * Takes a movable id as {@link #takeMovable(boolean)} does, the one heard of last when {@code
   * newestFirst}, never one in {@code skip}. Newest first costs a walk from the newest end, which
   * only plans that move a single device ask for.
   */
  public synchronized @Nullable String takeMovable(
      boolean includeSessions, boolean newestFirst, Set<String> skip) {
    if (newestFirst) {
      List<Map.Entry<String, Boolean>> entries = new ArrayList<>(ids.entrySet());
      for (int i = entries.size() - 1; i >= 0; i--) {
        Map.Entry<String, Boolean> e = entries.get(i);
        if ((includeSessions || !e.getValue()) && !skip.contains(e.getKey())) {
          ids.remove(e.getKey());
          return e.getKey();
        }
      }
      return null;
    }
    for (Iterator<Map.Entry<String, Boolean>> it = ids.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Boolean> e = it.next();
      if ((includeSessions || !e.getValue()) && !skip.contains(e.getKey())) {
        it.remove();
        return e.getKey();
      }
    }
    return null;
  }

  /** Whether {@link #takeMovable} would return an id, without taking it. */
  public synchronized boolean hasMovable(boolean includeSessions) {
    return includeSessions ? !ids.isEmpty() : ids.containsValue(false);
  }

  /** Ids of devices with a session, at most {@code max} of them. */
  public synchronized List<String> withSession(int max) {
    List<String> result = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : ids.entrySet()) {
      if (result.size() >= max) {
        break;
      }
      if (e.getValue()) {
        result.add(e.getKey());
      }
    }
    return result;
  }

  /** How many known devices keep a session. */
  public synchronized int sessionCount() {
    int n = 0;
    for (boolean s : ids.values()) {
      n += s ? 1 : 0;
    }
    return n;
  }

  public synchronized int size() {
    return ids.size();
  }
}

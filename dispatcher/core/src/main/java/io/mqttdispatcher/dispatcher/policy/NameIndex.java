package io.mqttdispatcher.dispatcher.policy;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names (broker ids, group and rule names) by a small index, so that a table of records holds a
 * number instead of a reference. Only grows, by the names ever given (a handful per deployment);
 * past its limit a new name gets no index. Thread-safe: an index handed out is readable on every
 * thread that later sees it through a volatile write or a lock.
 */
public final class NameIndex {
  private final int max;
  private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
  private volatile String[] names = new String[8];
  private int count; // guarded by this

  /**
   * @param max names indexed at most
   */
  public NameIndex(int max) {
    this.max = max;
  }

  /** The index of {@code name} (from 0), or -1 when {@code max} names have one already. */
  public int index(String name) {
    Integer i = indexes.get(name);
    return i != null ? i : add(name);
  }

  /** The name of an index {@link #index} gave. */
  public String name(int index) {
    return names[index];
  }

  private synchronized int add(String name) {
    Integer i = indexes.get(name);
    if (i != null) {
      return i;
    }
    if (count == max) {
      return -1;
    }
    String[] now = names;
    if (count == now.length) {
      now = Arrays.copyOf(now, now.length * 2);
    }
    now[count] = name;
    names = now; // published before the index is
    indexes.put(name, count);
    return count++;
  }
}

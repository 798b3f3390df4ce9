package io.mqttdispatcher.dispatcher.listener;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code perSecond} new connections per source address in each second; 0 turns the limit
 * off. Counts live for the current second only, so memory is bounded by the addresses seen in one
 * second (and capped at {@link #MAX_ADDRESSES}: past that, new addresses are not counted).
 */
final class SourceRateLimit {
  static final int MAX_ADDRESSES = 100_000;

  private final int perSecond;
  private volatile Window window = new Window(Long.MIN_VALUE);

  SourceRateLimit(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Whether a new connection from {@code source} at {@code nowNanos} is within the limit. */
  boolean allow(InetAddress source, long nowNanos) {
    if (perSecond == 0) {
      return true;
    }
    long second = nowNanos / 1_000_000_000L;
    Window w = window;
    if (w.second != second) {
      w = new Window(second);
      window = w; // a lost race only forgets a few counts of this second
    }
    AtomicInteger count = w.counts.get(source);
    if (count == null) {
      if (w.counts.size() >= MAX_ADDRESSES) {
        return true;
      }
      count = w.counts.computeIfAbsent(source, a -> new AtomicInteger());
    }
    return count.incrementAndGet() <= perSecond;
  }

  private static final class Window {
    final long second;
    final ConcurrentHashMap<InetAddress, AtomicInteger> counts = new ConcurrentHashMap<>();

    Window(long second) {
      this.second = second;
    }
  }
}

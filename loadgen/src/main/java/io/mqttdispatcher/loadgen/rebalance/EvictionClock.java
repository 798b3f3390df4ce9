package io.mqttdispatcher.loadgen.rebalance;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.fleet.Fleet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The devices each broker lost, as the fleet saw them, sampled every 20 ms from its start: how fast
 * a donor's devices were actually moved off it, measured on the devices, not taken from the probe.
 */
final class EvictionClock implements AutoCloseable {
  private static final long EVERY_MILLIS = 20;

  /** Fewer moves than this give no rate worth comparing. */
  static final int MIN_MOVES = 8;

  private final Fleet fleet;
  private final List<HostPort> brokers;
  private final List<long[]> samples = new ArrayList<>(); // {nanos, losses of broker 0, 1, ...}
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "eviction-clock");
            t.setDaemon(true);
            return t;
          });

  private EvictionClock(Fleet fleet, List<HostPort> brokers) {
    this.fleet = fleet;
    this.brokers = List.copyOf(brokers);
  }

  static EvictionClock start(Fleet fleet, List<HostPort> brokers) {
    EvictionClock clock = new EvictionClock(fleet, brokers);
    clock.thread.scheduleAtFixedRate(clock::sample, 0, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    return clock;
  }

  private synchronized void sample() {
    long[] s = new long[brokers.size() + 1];
    s[0] = System.nanoTime();
    for (int b = 0; b < brokers.size(); b++) {
      s[b + 1] = fleet.lossesFrom(brokers.get(b));
    }
    samples.add(s);
  }

  /** Devices broker {@code b} lost since the clock started. */
  synchronized long moved(int b) {
    return samples.isEmpty() ? 0 : last()[b + 1] - samples.get(0)[b + 1];
  }

  /**
   * Devices per second broker {@code b} lost, from its 10 %th to its 90 %th move (the middle of its
   * moves, so neither the wait before the first nor the stop after the last counts); null when it
   * moved fewer than {@link #MIN_MOVES}.
   */
  synchronized @Nullable Double rate(int b) {
    long total = moved(b);
    if (total < MIN_MOVES) {
      return null;
    }
    long base = samples.get(0)[b + 1];
    long from = Math.max(1, Math.round(total * 0.1));
    long to = Math.max(from + 1, Math.round(total * 0.9));
    long[] first = null;
    long[] second = null;
    for (long[] s : samples) {
      long n = s[b + 1] - base;
      if (first == null && n >= from) {
        first = s;
      }
      if (second == null && n >= to) {
        second = s;
      }
    }
    if (first == null || second == null || second[0] == first[0]) {
      return null;
    }
    return (second[b + 1] - first[b + 1]) / ((second[0] - first[0]) / 1e9);
  }

  private long[] last() {
    return samples.get(samples.size() - 1);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
  }
}

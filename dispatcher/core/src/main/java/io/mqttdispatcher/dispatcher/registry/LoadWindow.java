package io.mqttdispatcher.dispatcher.registry;

import java.time.Duration;

/**
 * Mean of the CPU samples received during the last {@code window}, timed by the dispatcher's own
 * clock. Holds at most {@link #CAPACITY} samples, so a probe that reports very often costs a fixed
 * amount of memory (the oldest samples are dropped first).
 */
public final class LoadWindow {
  static final int CAPACITY = 256;

  private final long windowNanos;
  private final long[] times = new long[CAPACITY];
  private final double[] values = new double[CAPACITY];
  private int start;
  private int size;

  public LoadWindow(Duration window) {
    this.windowNanos = window.toNanos();
  }

  /**
   * Records {@code value} received at {@code nowNanos} and forgets samples older than the window.
   */
  public void add(long nowNanos, double value) {
    if (size == CAPACITY) {
      start = (start + 1) % CAPACITY;
      size--;
    }
    int end = (start + size) % CAPACITY;
    times[end] = nowNanos;
    values[end] = value;
    size++;
    expire(nowNanos);
  }

  /** Mean of the samples within the window ending at {@code nowNanos}; NaN when there are none. */
  public double mean(long nowNanos) {
    expire(nowNanos);
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[(start + i) % CAPACITY];
    }
    return sum / size;
  }

  /** Number of samples in the window at the last update. */
  public int size() {
    return size;
  }

  private void expire(long nowNanos) {
    while (size > 0 && nowNanos - times[start] > windowNanos) {
      start = (start + 1) % CAPACITY;
      size--;
    }
  }
}

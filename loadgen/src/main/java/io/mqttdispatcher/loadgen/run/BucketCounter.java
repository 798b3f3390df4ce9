package io.mqttdispatcher.loadgen.run;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events in 1-second buckets from an origin. Events after the last bucket land in the last
 * one, so the buckets always add up to the total.
 */
final class BucketCounter {
  private final long originNanos;
  private final AtomicLongArray buckets;

  BucketCounter(long originNanos, int seconds) {
    this.originNanos = originNanos;
    this.buckets = new AtomicLongArray(seconds);
  }

  void add(long nowNanos) {
    long second = Math.max(0, (nowNanos - originNanos) / 1_000_000_000L);
    buckets.incrementAndGet((int) Math.min(second, buckets.length() - 1L));
  }

  long at(int second) {
    return buckets.get(second);
  }

  int seconds() {
    return buckets.length();
  }

  long total() {
    long sum = 0;
    for (int i = 0; i < buckets.length(); i++) {
      sum += buckets.get(i);
    }
    return sum;
  }
}

package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.protocol.ProbeMessage;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Whether a new report is worth sending (the dynamic-weight paper's change-rate rule): only when
 * the load moved by at least {@code minChange} since the last report sent, or when the broker's
 * health, endpoints or capacity changed, or when the heartbeat is due. CPU and memory are already
 * fractions (CPU of the cores the broker can use, memory of the total), so their change is the
 * absolute difference; connections and message rate are unbounded, so theirs is relative to the
 * last value sent (at least 1). With {@code minChange} 0, every report is sent. Pure: the clock is
 * passed in.
 */
public final class ChangeRateRule {
  private final double minChange;
  private final long heartbeatNanos;

  /**
   * @param minChange threshold in 0..1
   * @param heartbeat a report is sent when the last one sent is this old, whatever the load; due on
   *     the tick closest to it, so ticks slightly early still count
   * @param interval the tick interval
   */
  public ChangeRateRule(double minChange, Duration heartbeat, Duration interval) {
    if (!(minChange >= 0 && minChange < 1)) {
      throw new IllegalArgumentException("minChange must be in 0..1, was " + minChange);
    }
    this.minChange = minChange;
    this.heartbeatNanos = heartbeat.toNanos() - interval.toNanos() / 2;
  }

  /**
   * @param lastSent the last report sent, or null when none was
   * @param lastSentNanos when it was sent
   * @param candidate the report of this tick
   * @param nowNanos now, on the same clock
   */
  public boolean shouldSend(
      ProbeMessage.@Nullable Report lastSent,
      long lastSentNanos,
      ProbeMessage.Report candidate,
      long nowNanos) {
    if (lastSent == null || minChange == 0) {
      return true;
    }
    if (nowNanos - lastSentNanos >= heartbeatNanos) {
      return true;
    }
    if (lastSent.healthy() != candidate.healthy()
        || lastSent.capacity() != candidate.capacity()
        || !lastSent.endpoints().equals(candidate.endpoints())) {
      return true;
    }
    // A change of exactly the threshold counts, whatever binary rounding did to it.
    double threshold = minChange - 1e-9;
    return Math.abs(candidate.cpu() - lastSent.cpu()) >= threshold
        || Math.abs(candidate.mem() - lastSent.mem()) >= threshold
        || relativeChange(lastSent.connections(), candidate.connections()) >= threshold
        || relativeChange(lastSent.msgRate(), candidate.msgRate()) >= threshold;
  }

  private static double relativeChange(OptionalLong before, OptionalLong now) {
    if (before.isPresent() != now.isPresent()) {
      return Double.POSITIVE_INFINITY;
    }
    return before.isEmpty() ? 0 : relative(before.getAsLong(), now.getAsLong());
  }

  private static double relativeChange(OptionalDouble before, OptionalDouble now) {
    if (before.isPresent() != now.isPresent()) {
      return Double.POSITIVE_INFINITY;
    }
    return before.isEmpty() ? 0 : relative(before.getAsDouble(), now.getAsDouble());
  }

  private static double relative(double before, double now) {
    return Math.abs(now - before) / Math.max(1, Math.abs(before));
  }
}

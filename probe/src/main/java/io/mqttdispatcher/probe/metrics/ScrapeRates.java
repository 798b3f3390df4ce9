package io.mqttdispatcher.probe.metrics;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The figures of successive scrapes: the connection count of the last one, and the message rate
 * from the counter's increase since the scrape before, over the time between them. A rate needs two
 * good scrapes in a row of the same counter, no more than a longest gap apart; a counter that went
 * down (the broker restarted), a failed scrape, or a gap starts again from a new baseline, with no
 * rate until the next scrape. Not thread-safe: one owner.
 */
public final class ScrapeRates {
  /** Larger than any real connection count; a gauge above it is a wrong number. */
  private static final double MAX_CONNECTIONS = 1e12;

  private final long maxGapNanos;
  private @Nullable String counter;
  private double lastCount;
  private long lastNanos;
  private OptionalLong connections = OptionalLong.empty();
  private OptionalDouble rate = OptionalDouble.empty();

  /**
   * @param maxGapNanos two scrapes further apart than this give no rate (a stalled poller)
   */
  public ScrapeRates(long maxGapNanos) {
    this.maxGapNanos = maxGapNanos;
  }

  /** Takes a scrape that arrived at {@code nanos} ({@link System#nanoTime()}). */
  public void scraped(MetricNames names, Exposition scrape, long nanos) {
    OptionalDouble c = names.connections(scrape);
    connections =
        c.isPresent() && c.getAsDouble() <= MAX_CONNECTIONS
            ? OptionalLong.of(Math.round(c.getAsDouble()))
            : OptionalLong.empty();
    String name = names.messagesCounter(scrape);
    OptionalDouble count = name == null ? OptionalDouble.empty() : scrape.total(name);
    if (count.isEmpty()) {
      forget();
      return;
    }
    double now = count.getAsDouble();
    boolean continues =
        counter != null
            && counter.equals(name)
            && now >= lastCount
            && nanos > lastNanos
            && nanos - lastNanos <= maxGapNanos;
    rate =
        continues
            ? OptionalDouble.of((now - lastCount) * 1e9 / (nanos - lastNanos))
            : OptionalDouble.empty();
    counter = name;
    lastCount = now;
    lastNanos = nanos;
  }

  /** A scrape failed: both figures are unknown, and the next scrape is a new baseline. */
  public void failed() {
    connections = OptionalLong.empty();
    forget();
  }

  private void forget() {
    counter = null;
    rate = OptionalDouble.empty();
  }

  /** Connected clients at the last scrape, or empty. */
  public OptionalLong connections() {
    return connections;
  }

  /** Messages per second between the last two scrapes, or empty. */
  public OptionalDouble rate() {
    return rate;
  }
}

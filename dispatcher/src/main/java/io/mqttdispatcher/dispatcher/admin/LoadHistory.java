package io.mqttdispatcher.dispatcher.admin;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Each broker's connections and load over the last minutes, sampled from the registry's snapshots,
 * for the status page's charts. Bounded: the oldest sample goes when a new one would pass {@link
 * #capacity()}, so memory depends on the number of brokers, never on the time the dispatcher has
 * run. Not thread-safe: one owner, the control-plane event loop.
 */
public final class LoadHistory {
  /** How often the control plane takes a sample. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Samples kept: 15 minutes at one a second. */
  public static final int DEFAULT_SAMPLES = 900;

  /** One broker at one sample time; {@code connections} and {@code msgRate} are -1 when unknown. */
  record Point(
      String id, long connections, double meanCpu, double msgRate, long redirects, String state) {}

  private record Sample(long epochMillis, List<Point> brokers) {}

  private final int capacity;
  private final Duration interval;
  private final ArrayDeque<Sample> samples;

  public LoadHistory(int capacity, Duration interval) {
    if (capacity < 2) {
      throw new IllegalArgumentException(
          "a load history needs room for at least 2 samples, got " + capacity);
    }
    this.capacity = capacity;
    this.interval = interval;
    this.samples = new ArrayDeque<>(capacity);
  }

  public int capacity() {
    return capacity;
  }

  public Duration interval() {
    return interval;
  }

  /**
   * Adds a sample of {@code brokers} taken at {@code epochMillis}; {@code usable} tells which were
   * usable then, {@code redirects} how many devices this dispatcher has sent to each so far.
   */
  public void record(
      long epochMillis,
      List<BrokerView> brokers,
      List<BrokerView> usable,
      ToLongFunction<String> redirects) {
    Point[] points = new Point[brokers.size()];
    for (int i = 0; i < points.length; i++) {
      BrokerView b = brokers.get(i);
      String state =
          usable.contains(b)
              ? "usable"
              : b.draining() ? "draining" : !b.healthy() ? "unhealthy" : "stale";
      points[i] =
          new Point(
              b.id(),
              b.connections().orElse(-1),
              b.meanCpu(),
              b.msgRate().orElse(-1),
              redirects.applyAsLong(b.id()),
              state);
    }
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(new Sample(epochMillis, List.of(points)));
  }

  /** Number of samples held. */
  public int size() {
    return samples.size();
  }

  /**
   * The samples taken after {@code sinceEpochMillis}, one column per series: {@code t} (epoch
   * milliseconds) and, per broker, {@code connections}, {@code meanCpu} (0..1), {@code msgRate} and
   * {@code redirects} (a running count), with null where the broker was not reporting or the value
   * is unknown.
   */
  public JsonObject toJson(long sinceEpochMillis) {
    List<Sample> taken = samples.stream().filter(s -> s.epochMillis() > sinceEpochMillis).toList();
    JsonArray times = new JsonArray();
    Map<String, JsonObject> series = new LinkedHashMap<>();
    for (Sample s : taken) {
      for (Point p : s.brokers()) {
        series.computeIfAbsent(p.id(), id -> emptySeries());
      }
    }
    for (int i = 0; i < taken.size(); i++) {
      Sample s = taken.get(i);
      times.add(s.epochMillis());
      for (Point p : s.brokers()) {
        JsonObject o = Objects.requireNonNull(series.get(p.id()), "series made above");
        pad(o, i);
        o.getJsonArray("connections").add(p.connections() < 0 ? null : p.connections());
        o.getJsonArray("meanCpu").add(p.meanCpu());
        o.getJsonArray("msgRate").add(p.msgRate() < 0 ? null : p.msgRate());
        o.getJsonArray("redirects").add(p.redirects());
        o.getJsonArray("state").add(p.state());
      }
    }
    series.values().forEach(o -> pad(o, taken.size()));
    JsonObject brokers = new JsonObject();
    series.forEach(brokers::put);
    return new JsonObject()
        .put("intervalMs", interval.toMillis())
        .put("capacity", capacity)
        .put("t", times)
        .put("brokers", brokers);
  }

  private static JsonObject emptySeries() {
    JsonObject o = new JsonObject();
    for (String name : List.of("connections", "meanCpu", "msgRate", "redirects", "state")) {
      o.put(name, new JsonArray());
    }
    return o;
  }

  /**
   * Fills every column of {@code o} with nulls up to {@code length}: samples the broker was absent
   * from.
   */
  private static void pad(JsonObject o, int length) {
    for (String name : o.fieldNames()) {
      JsonArray column = o.getJsonArray(name);
      while (column.size() < length) {
        column.addNull();
      }
    }
  }
}

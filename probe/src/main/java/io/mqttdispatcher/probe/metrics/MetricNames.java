package io.mqttdispatcher.probe.metrics;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which metrics of a broker's Prometheus endpoint give its connection count and its received
 * messages: a built-in set per broker, or the operator's own. Each list is in order of preference;
 * the first one the endpoint has is used. Every series of a name is summed (VerneMQ writes one per
 * MQTT version).
 *
 * @param format {@code hivemq}, {@code emqx}, {@code vernemq} or {@code custom}
 * @param connections gauges of connected clients (or {@code opened-closed} counter pairs)
 * @param messages counters of messages received from clients
 */
public record MetricNames(String format, List<Quantity> connections, List<String> messages) {
  // First: the built-in sets below are checked with it while the class initialises.
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /**
   * HiveMQ's Prometheus extension (and the embedded broker's endpoint): its Dropwizard metrics with
   * dots as underscores. The PUBLISH counter before the all-packets one, as for {@code $SYS}.
   */
  public static final MetricNames HIVEMQ =
      new MetricNames(
          "hivemq",
          List.of(Quantity.parse("com_hivemq_networking_connections_current")),
          List.of(
              "com_hivemq_messages_incoming_publish_count",
              "com_hivemq_messages_incoming_total_count"));

  /** EMQX's {@code /api/v5/prometheus/stats}: live connections where it has them. */
  public static final MetricNames EMQX =
      new MetricNames(
          "emqx",
          List.of(
              Quantity.parse("emqx_live_connections_count"),
              Quantity.parse("emqx_connections_count")),
          List.of("emqx_messages_received"));

  /**
   * VerneMQ's {@code /metrics}: open sockets are opened minus closed, PUBLISH packets received are
   * summed over its MQTT 4 and 5 series.
   */
  public static final MetricNames VERNEMQ =
      new MetricNames(
          "vernemq",
          List.of(Quantity.parse("socket_open-socket_close")),
          List.of("mqtt_publish_received"));

  /** The built-in sets, in the order {@code auto} tries them. */
  public static final List<MetricNames> BUILT_IN = List.of(HIVEMQ, EMQX, VERNEMQ);

  /** The values {@code --metrics-format} takes. */
  public static final List<String> FORMATS = List.of("auto", "hivemq", "emqx", "vernemq");

  public MetricNames {
    connections = List.copyOf(connections);
    messages = List.copyOf(messages);
    for (String m : messages) {
      requireName(m, "--metrics-messages");
    }
  }

  /** A built-in set by its format name; null for {@code auto}. */
  public static @Nullable MetricNames builtIn(String format) {
    String f = format.toLowerCase(Locale.ROOT);
    if (f.equals("auto")) {
      return null;
    }
    return BUILT_IN.stream()
        .filter(n -> n.format.equals(f))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--metrics-format must be one of "
                        + String.join(", ", FORMATS)
                        + ", was "
                        + format));
  }

  /**
   * The operator's names: {@code connections} a gauge or {@code opened-closed}, {@code messages} a
   * counter; either may be null (that figure is then left out).
   */
  public static MetricNames custom(@Nullable String connections, @Nullable String messages) {
    return new MetricNames(
        "custom",
        connections == null ? List.of() : List.of(Quantity.parse(connections)),
        messages == null ? List.of() : List.of(messages));
  }

  /** The first built-in set whose names the scrape has, if any. */
  public static Optional<MetricNames> recognise(Exposition scrape) {
    return BUILT_IN.stream().filter(n -> n.recognises(scrape)).findFirst();
  }

  private boolean recognises(Exposition scrape) {
    return connections.stream().anyMatch(q -> q.names().stream().allMatch(scrape::present))
        || messages.stream().anyMatch(scrape::present);
  }

  /** Every name this set may read. */
  public Set<String> names() {
    Set<String> all = new LinkedHashSet<>();
    connections.forEach(q -> all.addAll(q.names()));
    all.addAll(messages);
    return all;
  }

  /** Every name any built-in set may read, plus {@code extra}'s. */
  public static Set<String> wanted(@Nullable MetricNames extra) {
    Set<String> all = new LinkedHashSet<>();
    BUILT_IN.forEach(n -> all.addAll(n.names()));
    if (extra != null) {
      all.addAll(extra.names());
    }
    return all;
  }

  /** Connected clients by the first quantity the scrape has, or empty. */
  public OptionalDouble connections(Exposition scrape) {
    for (Quantity q : connections) {
      if (q.names().stream().allMatch(scrape::present)) {
        return q.of(scrape); // the preferred one, even when unusable: never a mix
      }
    }
    return OptionalDouble.empty();
  }

  /** The first messages counter the scrape has, usable or not, or null. */
  public @Nullable String messagesCounter(Exposition scrape) {
    return messages.stream().filter(scrape::present).findFirst().orElse(null);
  }

  private static void requireName(String name, String option) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          option
              + " must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), was '"
              + name
              + "'");
    }
  }

  /**
   * A gauge, or the difference of two counters (open sockets as opened minus closed).
   *
   * @param plus the gauge, or the counter of openings
   * @param minus the counter of closings, or null
   */
  public record Quantity(String plus, @Nullable String minus) {
    public Quantity {
      requireName(plus, "--metrics-connections");
      if (minus != null) {
        requireName(minus, "--metrics-connections");
      }
    }

    /** {@code NAME} or {@code OPENED-CLOSED} ('-' cannot be part of a metric name). */
    public static Quantity parse(String text) {
      int dash = text.indexOf('-');
      return dash < 0
          ? new Quantity(text.trim(), null)
          : new Quantity(text.substring(0, dash).trim(), text.substring(dash + 1).trim());
    }

    List<String> names() {
      return minus == null ? List.of(plus) : List.of(plus, minus);
    }

    OptionalDouble of(Exposition scrape) {
      OptionalDouble p = scrape.total(plus);
      if (minus == null || p.isEmpty()) {
        return p;
      }
      OptionalDouble m = scrape.total(minus);
      if (m.isEmpty() || m.getAsDouble() > p.getAsDouble()) {
        return OptionalDouble.empty(); // more closed than opened: counters from different moments
      }
      return OptionalDouble.of(p.getAsDouble() - m.getAsDouble());
    }

    @Override
    public String toString() {
      return minus == null ? plus : plus + "-" + minus;
    }
  }
}

package io.mqttdispatcher.dispatcher.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.DecisionListener;
import io.mqttdispatcher.dispatcher.decision.RejectCause;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.policy.SessionRecords;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The dispatcher's metrics, exposed in Prometheus text format. Counters are looked up once and
 * cached, so recording on the CONNECT path is a map lookup and an atomic add.
 */
public final class DispatcherMetrics implements DecisionListener {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> redirects = new ConcurrentHashMap<>();
  private final Map<RejectCause, Counter> rejects = new EnumMap<>(RejectCause.class);
  private final Timer decision;
  private final String redirectCode;
  private volatile Supplier<Number> held = () -> 0;
  private volatile @Nullable String transport;
  private volatile @Nullable String transportFallback;

  /**
   * @param redirectCode label of the reason code redirects carry, e.g. {@code 0x9c}
   */
  public DispatcherMetrics(String redirectCode) {
    this.redirectCode = redirectCode;
    for (RejectCause c : RejectCause.values()) {
      rejects.put(
          c,
          Counter.builder("dispatcher.rejects")
              .description("Device connections refused or closed without a redirect, by cause")
              .tag("cause", c.label())
              .register(registry));
    }
    decision =
        Timer.builder("dispatcher.decision")
            .description("Time to choose a broker for one CONNECT")
            .register(registry);
  }

  /** Registers the gauge of CONNECTs held while no broker is usable. */
  public void parking(Supplier<Number> held) {
    this.held = held;
    Gauge.builder("dispatcher.parked.connections", held)
        .description("Device connections held open while no broker of their group is usable")
        .register(registry);
  }

  /** Device connections held now. */
  public int held() {
    return held.get().intValue();
  }

  /** Counts one held connection let go: {@code redirected}, {@code refused} or {@code closed}. */
  public void unparked(String outcome) {
    Counter.builder("dispatcher.parked")
        .description("Device connections held while no broker was usable, by how the hold ended")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Counts a CONNECT's decision: a redirect by broker, a refusal by cause. */
  @Override
  public void decided(ConnectFacts facts, Decision decision) {
    if (decision instanceof Decision.Redirect r) {
      redirected(r.broker().id());
    } else if (decision instanceof Decision.Refuse refuse) {
      rejected(refuse.cause());
    }
  }

  /**
   * Shows what the device listeners run on as {@code
   * dispatcher_transport_info{transport="io_uring",requested="auto"} 1}, set once at start.
   *
   * @param fallback why {@code auto} did not get io_uring, or null when it did (or was not asked)
   */
  public void deviceTransport(String transport, String requested, @Nullable String fallback) {
    Gauge.builder("dispatcher.transport.info", () -> 1)
        .description("What the device listeners run on (io_uring, epoll or nio); always 1")
        .tag("transport", transport)
        .tag("requested", requested)
        .register(registry);
    this.transport = transport;
    this.transportFallback = fallback;
  }

  /** What the device listeners run on, or null before they were set up. */
  public @Nullable String deviceTransport() {
    return transport;
  }

  /** Why the listeners do not run on io_uring under {@code --transport auto}, or null. */
  public @Nullable String deviceTransportFallback() {
    return transportFallback;
  }

  /** Counts one device sent to {@code brokerId}. */
  public void redirected(String brokerId) {
    redirects
        .computeIfAbsent(
            brokerId,
            id ->
                Counter.builder("dispatcher.redirects")
                    .description("Devices redirected, by broker and reason code")
                    .tag("broker", id)
                    .tag("code", redirectCode)
                    .register(registry))
        .increment();
  }

  /** Counts one rejected connection. */
  public void rejected(RejectCause cause) {
    Objects.requireNonNull(rejects.get(cause), "a counter per cause").increment();
  }

  /** Records how long one broker choice took. */
  public void decisionNanos(long nanos) {
    decision.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Devices redirected to {@code brokerId} so far. */
  public double redirectCount(String brokerId) {
    Counter c = redirects.get(brokerId);
    return c == null ? 0 : c.count();
  }

  /** Connections rejected for {@code cause} so far. */
  public double rejectCount(RejectCause cause) {
    return Objects.requireNonNull(rejects.get(cause), "a counter per cause").count();
  }

  /** Registers the gauges that read the registry's state. */
  public void gauges(Supplier<Number> usableBrokers, Supplier<Number> probeConnections) {
    Gauge.builder("dispatcher.brokers.usable", usableBrokers)
        .description("Brokers devices can be sent to now (MQTT transport)")
        .register(registry);
    Gauge.builder("dispatcher.probe.connections", probeConnections)
        .description("Authenticated probe connections")
        .register(registry);
  }

  /** Registers the size and the evictions of the session record table. */
  public void sessionRecords(SessionRecords records) {
    Gauge.builder("dispatcher.session.records", records, SessionRecords::size)
        .description("Session devices whose broker is remembered")
        .register(registry);
    FunctionCounter.builder(
            "dispatcher.session.records.evicted", records, SessionRecords::evictedBySize)
        .description(
            "Session records evicted, by cause: size (the table was full) or expiry (the session ended)")
        .tag("cause", "size")
        .register(registry);
    FunctionCounter.builder(
            "dispatcher.session.records.evicted", records, SessionRecords::evictedByExpiry)
        .description(
            "Session records evicted, by cause: size (the table was full) or expiry (the session ended)")
        .tag("cause", "expiry")
        .register(registry);
  }

  /** All metrics in Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}

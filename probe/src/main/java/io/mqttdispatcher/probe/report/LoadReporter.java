package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.probe.sample.LoadSample;
import io.mqttdispatcher.probe.sample.LoadSampler;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe's clock: once per interval, on its own thread, takes a load sample, adds the broker's
 * health and {@code $SYS} figures, and hands the report to the dispatchers if the {@link
 * ChangeRateRule} says it is worth sending. A change of health is reported at once, between ticks.
 * Sampling reads files under {@code /proc}, which is why it has a thread of its own and never runs
 * on an event loop.
 */
public final class LoadReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadReporter.class);

  /** Where the non-CPU fields of a report come from. */
  public record Sources(
      BooleanSupplier healthy,
      Supplier<OptionalLong> connections,
      LongFunction<OptionalDouble> msgRate) {}

  private final LoadSampler sampler;
  private final Sources sources;
  private final Map<Transport, String> endpoints;
  private final double capacity;
  private final BrokerGroup group;
  private final Duration interval;
  private final ChangeRateRule rule;
  private final DispatcherLinks links;
  private Supplier<io.mqttdispatcher.protocol.@Nullable ProbeState> state = () -> null;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "probe-sampler");
            t.setDaemon(true);
            return t;
          });
  // Owned by the sampler thread.
  private LoadSample lastSample = LoadSample.NONE;
  private boolean sampled;
  private ProbeMessage.@Nullable Report lastSent;
  private long lastSentNanos;

  public LoadReporter(
      LoadSampler sampler,
      Sources sources,
      Map<Transport, String> endpoints,
      double capacity,
      BrokerGroup group,
      Duration interval,
      ChangeRateRule rule,
      DispatcherLinks links) {
    this.sampler = sampler;
    this.sources = sources;
    this.endpoints = Map.copyOf(endpoints);
    this.capacity = capacity;
    this.group = group;
    this.interval = interval;
    this.rule = rule;
    this.links = links;
  }

  /**
   * Puts {@code source}'s state in every report from now on (protocol v2). Call before {@link
   * #start()}.
   */
  public void carryState(Supplier<io.mqttdispatcher.protocol.@Nullable ProbeState> source) {
    this.state = source;
  }

  /**
   * Starts ticking; the first report goes out now (its CPU reads 0 until there are two samples to
   * compare), so a probe that starts beside a restarting broker makes it usable at once instead of
   * an interval later.
   */
  public void start() {
    long ms = interval.toMillis();
    thread.scheduleAtFixedRate(this::tick, 0, ms, TimeUnit.MILLISECONDS);
  }

  /** Reports the broker's new state now (draining, plan), with the last sample. */
  public void stateChanged() {
    healthChanged();
  }

  /** Reports the broker's new health now, with the last sample, instead of at the next tick. */
  public void healthChanged() {
    thread.execute(
        () -> {
          if (sampled) {
            send(build(lastSample, System.nanoTime()), true);
          }
        });
  }

  private void tick() {
    try {
      lastSample = sampler.sample();
      sampled = true;
      long now = System.nanoTime();
      ProbeMessage.Report report = build(lastSample, now);
      send(report, rule.shouldSend(lastSent, lastSentNanos, report, now));
    } catch (RuntimeException e) {
      // A failed sample must not stop the schedule (scheduleAtFixedRate would): log and go on.
      LOG.warn("sampling failed: {}", e.toString());
    }
  }

  private ProbeMessage.Report build(LoadSample sample, long nowNanos) {
    return new ProbeMessage.Report(
        System.currentTimeMillis(),
        sample.cpu(),
        sample.mem(),
        sources.connections().get(),
        sources.msgRate().apply(nowNanos),
        sources.healthy().getAsBoolean(),
        capacity,
        endpoints,
        state.get(),
        group);
  }

  private void send(ProbeMessage.Report report, boolean now) {
    if (now) {
      lastSent = report;
      lastSentNanos = System.nanoTime();
    }
    links.publish(ProbeLines.line(report), now);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

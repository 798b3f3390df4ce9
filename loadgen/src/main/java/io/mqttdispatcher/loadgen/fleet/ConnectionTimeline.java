package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Connections per broker over time: every interval, how many of the fleet's devices are on each
 * broker (the devices' own view, exact), how many have arrived on each so far, and, when given, the
 * connection count each broker reports itself (for example its {@code $SYS} count as the probes
 * forward it). Marks name the moments a scenario changed something, for the charts.
 */
public final class ConnectionTimeline implements AutoCloseable {
  /** Sampling interval when none is given. */
  public static final String DEFAULT_INTERVAL = "250ms";

  private static final long REPORTED_EVERY_MILLIS = 1000;

  private final Fleet fleet;
  private final DevicePlacement placement;
  private final List<HostPort> brokers;
  private final @Nullable ReportedConnections reported;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final List<Mark> marks = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<List<@Nullable Long>> lastReported;
  private final ScheduledExecutorService sampler =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "connection-timeline");
            t.setDaemon(true);
            return t;
          });

  private ConnectionTimeline(
      Fleet fleet,
      DevicePlacement placement,
      List<HostPort> brokers,
      @Nullable ReportedConnections reported) {
    this.fleet = fleet;
    this.placement = placement;
    this.brokers = List.copyOf(brokers);
    this.reported = reported;
    this.lastReported = new AtomicReference<>(Collections.nCopies(brokers.size(), null));
  }

  /**
   * Starts sampling {@code fleet} every {@code interval} on its own thread.
   *
   * @param brokers the brokers to count, in the order of the samples' lists
   * @param reported what the brokers say about their connections, read once a second; null for none
   */
  public static ConnectionTimeline start(
      Fleet fleet,
      List<HostPort> brokers,
      Duration interval,
      @Nullable ReportedConnections reported) {
    return start(fleet, fleet, brokers, interval, reported);
  }

  /**
   * Starts sampling as {@link #start(Fleet, List, Duration, ReportedConnections)} does, with the
   * devices per broker as {@code placement} sees them (a load balancer's view, when the devices
   * cannot tell).
   */
  public static ConnectionTimeline start(
      Fleet fleet,
      DevicePlacement placement,
      List<HostPort> brokers,
      Duration interval,
      @Nullable ReportedConnections reported) {
    ConnectionTimeline timeline = new ConnectionTimeline(fleet, placement, brokers, reported);
    timeline.sampler.scheduleAtFixedRate(
        timeline::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    if (reported != null) {
      timeline.sampler.scheduleAtFixedRate(
          timeline::readReported, 0, REPORTED_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }
    return timeline;
  }

  /** Milliseconds since the fleet started. */
  public long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fleet.startNanos());
  }

  /** Names this moment, e.g. {@code kill broker-1}. */
  public Mark mark(String label) {
    Mark m = new Mark(now(), label);
    marks.add(m);
    return m;
  }

  private void sample() {
    DevicePlacement.Counts counts = placement.count(brokers);
    samples.add(
        new Sample(
            now(),
            counts.devices(),
            fleet.size() - fleet.connected(),
            counts.arrived(),
            Objects.requireNonNull(lastReported.get())));
  }

  private void readReported() {
    ReportedConnections source = reported;
    if (source != null) {
      try {
        lastReported.set(source.sample());
      } catch (RuntimeException e) {
        lastReported.set(Collections.nCopies(brokers.size(), null));
      }
    }
  }

  public List<HostPort> brokers() {
    return brokers;
  }

  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  public List<Mark> marks() {
    synchronized (marks) {
      return List.copyOf(marks);
    }
  }

  /** Stops sampling, after one last sample. */
  @Override
  public void close() {
    sampler.shutdownNow();
    sample();
  }

  /** What the brokers report about their own connections. */
  @FunctionalInterface
  public interface ReportedConnections {
    /**
     * One count per broker, in the timeline's order; null where unknown (the broker is down or has
     * no such counter).
     */
    List<@Nullable Long> sample();
  }

  /**
   * One moment.
   *
   * @param millis since the fleet started
   * @param devices per broker, devices connected to it
   * @param disconnected devices on no broker (not yet connected, or looking for a broker again)
   * @param arrived per broker, how many times a device arrived on it since the fleet started
   * @param reported per broker, the connection count it reports, or null where unknown
   */
  public record Sample(
      long millis,
      List<Integer> devices,
      int disconnected,
      List<Long> arrived,
      List<@Nullable Long> reported) {
    public Sample {
      devices = List.copyOf(devices);
      arrived = List.copyOf(arrived);
      reported = Collections.unmodifiableList(new ArrayList<>(reported));
    }
  }

  /**
   * A named moment.
   *
   * @param millis since the fleet started
   * @param label what happened
   */
  public record Mark(long millis, String label) {}
}

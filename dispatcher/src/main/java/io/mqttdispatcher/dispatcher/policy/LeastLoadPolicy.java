package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The default policy: the broker with the lowest expected load per unit of capacity.
 *
 * <p>Load combines CPU and memory with the weights of the dynamic-weight scheme (CPU 0.6, memory
 * 0.4), divided by the broker's capacity, plus two traffic terms that are less noisy than CPU when
 * brokers are lightly loaded: the broker's message rate and client count per unit of capacity, each
 * relative to the busiest usable broker (0..1), weighted {@link #RATE_WEIGHT} and
 * {@link #CONNECTIONS_WEIGHT}. A traffic term counts only when every usable broker reports it.
 *
 * <p>CPU is the window mean plus an estimate for the devices sent there recently: every redirect
 * adds one device's share of CPU to the broker's expected load, and that addition fades with a
 * half-life of half the load window, as the device's real load enters the reported mean. So a
 * burst of connects spreads over equal brokers instead of all landing on the one that looked idlest
 * when the last report came in (herd control).
 *
 * <p>One device's share is the broker's CPU divided by its client count when the probe reports the
 * count, else {@link #DEFAULT_DEVICE_CPU}. The bookkeeping is per dispatcher replica and lock-free.
 */
public final class LeastLoadPolicy implements BrokerPolicy {
  /** Weight of CPU in the load score. */
  public static final double CPU_WEIGHT = 0.6;
  /** Weight of memory in the load score. */
  public static final double MEM_WEIGHT = 0.4;
  /** Weight of the message rate relative to the busiest broker. */
  public static final double RATE_WEIGHT = 0.2;
  /** Weight of the client count relative to the most crowded broker. */
  public static final double CONNECTIONS_WEIGHT = 0.1;
  /** CPU share assumed for one device when the broker's client count is unknown. */
  public static final double DEFAULT_DEVICE_CPU = 0.01;
  private static final double MIN_DEVICE_CPU = 0.0005;
  private static final double MAX_DEVICE_CPU = 0.2;

  private final double halfLifeNanos;
  private final Map<String, AtomicReference<Pending>> pending = new ConcurrentHashMap<>();

  /** @param window the load averaging window; recent redirects fade over half of it */
  public LeastLoadPolicy(Duration window) {
    this.halfLifeNanos = window.toNanos() / 2.0;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    double maxRate = 0;
    double maxClients = 0;
    for (int i = 0, n = usable.size(); i < n; i++) {
      BrokerView b = usable.get(i);
      maxRate = b.msgRate().isPresent() && maxRate >= 0 ? Math.max(maxRate, b.msgRate().getAsDouble() / b.capacity()) : -1;
      maxClients = b.connections().isPresent() && maxClients >= 0
          ? Math.max(maxClients, b.connections().getAsLong() / b.capacity())
          : -1;
    }
    double rateScale = maxRate > 0 ? RATE_WEIGHT / maxRate : 0;
    double clientScale = maxClients > 0 ? CONNECTIONS_WEIGHT / maxClients : 0;
    BrokerView chosen = Ties.lowest(usable, b -> score(b, nowNanos, rateScale, clientScale));
    if (chosen != null) {
      AtomicReference<Pending> ref = pending.computeIfAbsent(chosen.id(), id -> new AtomicReference<>(Pending.NONE));
      Pending p;
      do {
        p = ref.get();
      } while (!ref.compareAndSet(p, new Pending(p.at(nowNanos, halfLifeNanos) + 1, nowNanos)));
    }
    return chosen;
  }

  /** Expected load of {@code b} at {@code nowNanos}, without the traffic terms. */
  double score(BrokerView b, long nowNanos) {
    return score(b, nowNanos, 0, 0);
  }

  private double score(BrokerView b, long nowNanos, double rateScale, double clientScale) {
    AtomicReference<Pending> ref = pending.get(b.id());
    double recent = ref == null ? 0 : ref.get().at(nowNanos, halfLifeNanos);
    double cpu = Math.min(1.0, b.meanCpu() + recent * deviceCpu(b));
    double load = (CPU_WEIGHT * cpu + MEM_WEIGHT * b.mem()) / b.capacity();
    if (rateScale > 0) {
      load += rateScale * b.msgRate().getAsDouble() / b.capacity();
    }
    if (clientScale > 0) {
      load += clientScale * (b.connections().getAsLong() + recent) / b.capacity();
    }
    return load;
  }

  /** Redirects to {@code brokerId} not yet reflected in its reports, as a fading count. */
  double recentRedirects(String brokerId, long nowNanos) {
    AtomicReference<Pending> ref = pending.get(brokerId);
    return ref == null ? 0 : ref.get().at(nowNanos, halfLifeNanos);
  }

  private static double deviceCpu(BrokerView b) {
    long clients = b.connections().orElse(0);
    if (clients <= 0) {
      return DEFAULT_DEVICE_CPU;
    }
    return Math.max(MIN_DEVICE_CPU, Math.min(MAX_DEVICE_CPU, b.cpu() / clients));
  }

  /** A count of recent redirects as of {@code atNanos}, decaying exponentially. */
  private record Pending(double count, long atNanos) {
    static final Pending NONE = new Pending(0, 0);

    double at(long nowNanos, double halfLifeNanos) {
      if (count == 0) {
        return 0;
      }
      long age = Math.max(0, nowNanos - atNanos);
      return count * Math.pow(0.5, age / halfLifeNanos);
    }
  }
}

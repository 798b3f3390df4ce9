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
 * 0.4). CPU is the window mean plus an estimate for the devices sent there recently: every redirect
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
    BrokerView chosen = Ties.lowest(usable, b -> score(b, nowNanos));
    if (chosen != null) {
      AtomicReference<Pending> ref = pending.computeIfAbsent(chosen.id(), id -> new AtomicReference<>(Pending.NONE));
      Pending p;
      do {
        p = ref.get();
      } while (!ref.compareAndSet(p, new Pending(p.at(nowNanos, halfLifeNanos) + 1, nowNanos)));
    }
    return chosen;
  }

  /** Expected load of {@code b} per unit of capacity at {@code nowNanos}. */
  double score(BrokerView b, long nowNanos) {
    AtomicReference<Pending> ref = pending.get(b.id());
    double recent = ref == null ? 0 : ref.get().at(nowNanos, halfLifeNanos);
    double cpu = Math.min(1.0, b.meanCpu() + recent * deviceCpu(b));
    return (CPU_WEIGHT * cpu + MEM_WEIGHT * b.mem()) / b.capacity();
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

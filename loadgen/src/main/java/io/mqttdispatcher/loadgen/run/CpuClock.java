package io.mqttdispatcher.loadgen.run;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads the CPU time of the processes a strategy's run counts, so that two readings give a {@link
 * CpuUse}. Process CPU time comes from the operating system ({@link ProcessHandle.Info}), all
 * threads included, at the clock tick's resolution (10 ms on Linux): plenty over a run of seconds.
 */
final class CpuClock {
  private final List<Long> brokerPids;
  private final @Nullable Supplier<Optional<Duration>> balancer;
  private final @Nullable Long dispatcherPid;

  /**
   * @param balancer the load balancer's CPU time, or null without one
   * @param dispatcherPid the dispatcher's process when the run goes through it, else null
   */
  CpuClock(
      List<Long> brokerPids,
      @Nullable Supplier<Optional<Duration>> balancer,
      @Nullable Long dispatcherPid) {
    this.brokerPids = List.copyOf(brokerPids);
    this.balancer = balancer;
    this.dispatcherPid = dispatcherPid;
  }

  Reading read() {
    Duration brokers = brokerPids.isEmpty() ? null : Duration.ZERO;
    for (long pid : brokerPids) {
      Optional<Duration> cpu = of(pid);
      if (cpu.isEmpty()) {
        brokers = null; // a broker gone or unreadable: no sum rather than a wrong one
        break;
      }
      brokers = brokers == null ? null : brokers.plus(cpu.get());
    }
    Supplier<Optional<Duration>> b = balancer;
    Long d = dispatcherPid;
    return new Reading(
        brokers, b == null ? null : b.get().orElse(null), d == null ? null : of(d).orElse(null));
  }

  private static Optional<Duration> of(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration());
  }

  /** CPU time so far of the brokers (summed), the balancer and the dispatcher; null if unknown. */
  record Reading(
      @Nullable Duration brokers, @Nullable Duration balancer, @Nullable Duration dispatcher) {
    /** What was used from {@code earlier} until this reading. */
    CpuUse since(Reading earlier) {
      return new CpuUse(
          seconds(earlier.brokers, brokers),
          seconds(earlier.balancer, balancer),
          seconds(earlier.dispatcher, dispatcher));
    }

    private static @Nullable Double seconds(@Nullable Duration from, @Nullable Duration to) {
      return from == null || to == null ? null : to.minus(from).toNanos() / 1e9;
    }
  }
}

package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.Nullable;

/**
 * CPU time used during one strategy's run, from the first arrival until the last message was
 * counted, all threads of each process, in seconds; null where unknown.
 *
 * @param brokersSeconds every broker process
 * @param balancerSeconds the load balancer in front of the brokers (the {@code haproxy} strategy);
 *     null for strategies without one
 * @param dispatcherSeconds the dispatcher, for the {@code dispatcher} strategy only: off the data
 *     path, it is what redirecting the publishers and hearing the probes cost over the run
 */
public record CpuUse(
    @Nullable Double brokersSeconds,
    @Nullable Double balancerSeconds,
    @Nullable Double dispatcherSeconds) {
  public static final CpuUse UNKNOWN = new CpuUse(null, null, null);

  /**
   * What every message crossed: the brokers, plus the balancer where there is one; null when the
   * brokers' CPU is unknown.
   */
  public @Nullable Double dataPathSeconds() {
    Double brokers = brokersSeconds;
    if (brokers == null) {
      return null;
    }
    Double balancer = balancerSeconds;
    return balancer == null ? brokers : brokers + balancer;
  }
}

package io.mqttdispatcher.dispatcher.registry;

import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One broker as the registry last saw it. Immutable.
 *
 * @param id broker id from its probe's hello
 * @param endpoints where devices reach it, per transport
 * @param meanCpu CPU averaged over the load window, 0..1
 * @param cpu CPU of the last report, 0..1
 * @param mem memory of the last report, 0..1
 * @param connections client count, when the probe knows it
 * @param msgRate received messages per second, when the probe knows it
 * @param capacity relative capacity (1 = reference machine)
 * @param healthy whether the probe says the broker answers
 * @param draining whether the broker gets no new devices: drained by an operator (on any replica,
 *     carried by a v2 probe; on this replica for a v1 probe), or a plan is moving devices off it
 * @param reportedAtNanos dispatcher clock ({@link System#nanoTime()}) of the last report
 * @param group the group its probe advertises, and whether the probe says that group is a cluster
 * @param cpuSettlesAtNanos dispatcher clock from which the broker's CPU mean covers a whole load
 *     window of it being usable: until then (it joined, came back healthy or its reports resumed)
 *     the CPU it reports is the burst of its own start and of the devices that rush to it, not the
 *     load its devices will make; {@link Long#MIN_VALUE} for a broker usable for longer than that
 */
public record BrokerView(
    String id,
    Map<Transport, String> endpoints,
    double meanCpu,
    double cpu,
    double mem,
    OptionalLong connections,
    OptionalDouble msgRate,
    double capacity,
    boolean healthy,
    boolean draining,
    long reportedAtNanos,
    BrokerGroup group,
    long cpuSettlesAtNanos) {

  /** A broker whose CPU mean is settled. */
  public BrokerView(
      String id,
      Map<Transport, String> endpoints,
      double meanCpu,
      double cpu,
      double mem,
      OptionalLong connections,
      OptionalDouble msgRate,
      double capacity,
      boolean healthy,
      boolean draining,
      long reportedAtNanos,
      BrokerGroup group) {
    this(
        id,
        endpoints,
        meanCpu,
        cpu,
        mem,
        connections,
        msgRate,
        capacity,
        healthy,
        draining,
        reportedAtNanos,
        group,
        Long.MIN_VALUE);
  }

  public BrokerView {
    endpoints = Map.copyOf(endpoints);
    Objects.requireNonNull(group, "group");
  }

  /** A broker in the {@link BrokerGroup#DEFAULT} group. */
  public BrokerView(
      String id,
      Map<Transport, String> endpoints,
      double meanCpu,
      double cpu,
      double mem,
      OptionalLong connections,
      OptionalDouble msgRate,
      double capacity,
      boolean healthy,
      boolean draining,
      long reportedAtNanos) {
    this(
        id,
        endpoints,
        meanCpu,
        cpu,
        mem,
        connections,
        msgRate,
        capacity,
        healthy,
        draining,
        reportedAtNanos,
        BrokerGroup.DEFAULT);
  }

  /** The endpoint for {@code transport}, or null when the broker offers none. */
  public @Nullable String endpoint(Transport transport) {
    return endpoints.get(transport);
  }

  /**
   * Whether, at {@code nowNanos}, the broker became usable less than a load window ago, so that its
   * CPU reading is not yet its load.
   */
  public boolean cpuSettlingAt(long nowNanos) {
    return cpuSettlesAtNanos != Long.MIN_VALUE && nowNanos - cpuSettlesAtNanos < 0;
  }

  /** Whether the last report is at most {@code staleAfterNanos} old at {@code nowNanos}. */
  public boolean freshAt(long nowNanos, long staleAfterNanos) {
    return nowNanos - reportedAtNanos <= staleAfterNanos;
  }
}

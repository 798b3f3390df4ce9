package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.util.List;

/**
 * Where a fleet's devices are, per broker: the fleet's own view when devices connect to brokers
 * directly ({@link Fleet}), the load balancer's when they all connect to its one address and cannot
 * tell which broker is behind it.
 */
public interface DevicePlacement {
  /** For each of {@code brokers}, in order: devices on it now, and arrivals on it so far. */
  Counts count(List<HostPort> brokers);

  /**
   * @param devices per broker, devices connected to it now
   * @param arrived per broker, connections that arrived on it so far
   */
  record Counts(List<Integer> devices, List<Long> arrived) {
    public Counts {
      devices = List.copyOf(devices);
      arrived = List.copyOf(arrived);
    }
  }
}

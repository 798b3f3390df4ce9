package io.mqttdispatcher.protocol;

import org.jspecify.annotations.Nullable;

/**
 * What a protocol v2 probe says about its broker's standing, in every report, so that every
 * dispatcher replica agrees on it: whether the broker is draining, and the eviction plan it runs or
 * last ran.
 *
 * @param draining whether an operator stopped new devices from going there (on any replica)
 * @param plan the current or last plan, or null when there has been none since the probe started
 */
public record ProbeState(boolean draining, @Nullable PlanStatus plan) {
  /** A fresh probe: not draining, no plan. */
  public static final ProbeState IDLE = new ProbeState(false, null);

  /**
   * Whether no dispatcher may send new devices to the broker: draining, or a plan is moving devices
   * off it.
   */
  public boolean refusesNewDevices() {
    return draining || (plan != null && plan.state().active());
  }
}

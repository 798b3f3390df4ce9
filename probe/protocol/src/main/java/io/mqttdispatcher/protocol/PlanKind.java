package io.mqttdispatcher.protocol;

import java.util.Locale;
import java.util.Optional;

/** What an eviction plan is for (protocol v2). */
public enum PlanKind {
  /** Move devices off a donor until it is within the plan's thresholds of its recipients. */
  REBALANCE,
  /** Move every device off the broker, for maintenance. */
  EVACUATE;

  /** The name on the wire: {@code rebalance} or {@code evacuate}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind with this wire name, if there is one. */
  public static Optional<PlanKind> fromWireName(String name) {
    for (PlanKind k : values()) {
      if (k.wireName().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}

package io.mqttdispatcher.protocol;

import java.util.Locale;
import java.util.Optional;

/** Where an eviction plan stands on the probe that runs it (protocol v2). */
public enum PlanState {
  /** Accepted; the broker takes no new devices, eviction starts after the plan's wait. */
  WAITING,
  /** Devices are being moved off at the plan's rate. */
  EVICTING,
  /** Finished: thresholds reached, or (evacuation) nothing movable left. */
  DONE,
  /** Stopped by an operator before it finished. */
  STOPPED,
  /**
   * Ended without finishing, for the reason the status gives (for example: every dispatcher lost).
   */
  FAILED;

  /** Whether devices may still be moved under this state. */
  public boolean active() {
    return this == WAITING || this == EVICTING;
  }

  /** The name on the wire, lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state with this wire name, if there is one. */
  public static Optional<PlanState> fromWireName(String name) {
    for (PlanState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}

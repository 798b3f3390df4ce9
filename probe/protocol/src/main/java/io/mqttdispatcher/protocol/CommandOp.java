package io.mqttdispatcher.protocol;

import java.util.Locale;
import java.util.Optional;

/** What a dispatcher asks a probe to do (protocol v2 {@code command} lines). */
public enum CommandOp {
  /** Report the broker draining: no dispatcher sends it new devices. */
  DRAIN,
  /** Report the broker no longer draining (also ends an evacuation). */
  UNDRAIN,
  /** Start a rebalance plan on this donor. */
  REBALANCE,
  /** Start moving every device off this broker. */
  EVACUATE,
  /** Stop the running plan, as done or as stopped. */
  STOP;

  /** The name on the wire, lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The op with this wire name, if there is one. */
  public static Optional<CommandOp> fromWireName(String name) {
    for (CommandOp o : values()) {
      if (o.wireName().equals(name)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}

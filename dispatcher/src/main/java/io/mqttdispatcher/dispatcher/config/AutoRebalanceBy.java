package io.mqttdispatcher.dispatcher.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What automatic mode balances ({@code --auto-rebalance-by}). */
public enum AutoRebalanceBy {
  /** Connections per unit of capacity, with ordinary rebalance plans. */
  CONNECTIONS,
  /** Message rate per unit of capacity, by moving and weighing one device at a time. */
  LOAD;

  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The value named {@code text}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static AutoRebalanceBy parse(String text) {
    for (AutoRebalanceBy b : values()) {
      if (b.optionName().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "--auto-rebalance-by must be one of "
            + Arrays.stream(values())
                .map(AutoRebalanceBy::optionName)
                .collect(Collectors.joining(", "))
            + ", got '"
            + text
            + "'");
  }
}

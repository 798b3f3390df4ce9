package io.mqttdispatcher.loadgen.rebalance;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which proof run: a broker joins and a rebalance runs, an evacuation, or the rebalance on two
 * replicas.
 */
public enum RebalanceMode {
  /** Three brokers, devices on two; the third joins and a rebalance moves devices onto it. */
  SCALE_OUT("scale-out"),
  /** Three brokers with devices and publishers; one is evacuated. */
  EVACUATE("evacuate"),
  /** The scale-out with two dispatcher replicas, the rebalance asked of one of them. */
  REPLICAS("replicas");

  private final String wireName;

  RebalanceMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a mode's name, or {@code all} for every mode in order. */
  public static List<RebalanceMode> parse(String value) {
    if (value.equals("all")) {
      return List.of(values());
    }
    for (RebalanceMode m : values()) {
      if (m.wireName.equals(value.toLowerCase(Locale.ROOT))) {
        return List.of(m);
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not a mode: use all or one of "
            + Arrays.stream(values()).map(RebalanceMode::wireName).toList());
  }
}

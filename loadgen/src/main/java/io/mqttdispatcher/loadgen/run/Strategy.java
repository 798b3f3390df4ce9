package io.mqttdispatcher.loadgen.run;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How publishers find a broker. */
public enum Strategy {
  /** Every publisher connects through the dispatcher and follows its redirect. */
  DISPATCHER("dispatcher"),
  /**
   * Publishers get brokers in arrival order, cycling through the list, as DNS round-robin would.
   */
  DNS_RR("dns-rr");

  private final String wireName;

  Strategy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** {@code dispatcher}, {@code dns-rr}, or {@code both} (dispatcher first, then dns-rr). */
  public static List<Strategy> parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("both")) {
      return List.of(DISPATCHER, DNS_RR);
    }
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(t))
        .findFirst()
        .map(List::of)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--strategy must be dispatcher, dns-rr or both, got '" + text + "'"));
  }
}

package io.mqttdispatcher.loadgen.run;

import io.mqttdispatcher.embedded.InstalledBinary;
import io.mqttdispatcher.loadgen.haproxy.Haproxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** How publishers find a broker. */
public enum Strategy {
  /** Every publisher connects through the dispatcher and follows its redirect. */
  DISPATCHER("dispatcher"),
  /**
   * Publishers get brokers in arrival order, cycling through the list, as DNS round-robin would.
   */
  DNS_RR("dns-rr"),
  /**
   * Every publisher connects to HAProxy in TCP mode ({@code balance leastconn}, health checks) in
   * front of the brokers, which the loadgen starts: a load balancer in the data path.
   */
  HAPROXY("haproxy");

  private final String wireName;

  Strategy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * {@code dispatcher}, {@code dns-rr}, {@code haproxy}, {@code both} (dispatcher, then dns-rr) or
   * {@code all} (dispatcher, dns-rr, then haproxy).
   */
  public static List<Strategy> parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("both")) {
      return List.of(DISPATCHER, DNS_RR);
    }
    if (t.equals("all")) {
      return List.of(values());
    }
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(t))
        .findFirst()
        .map(List::of)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--strategy must be dispatcher, dns-rr, haproxy, both or all, got '"
                        + text
                        + "'"));
  }

  /**
   * The strategies of {@code requested} this machine can run: {@code haproxy} needs the haproxy
   * binary ({@link Haproxy#BINARY}). Each one left out is told to {@code skipped} with the reason.
   *
   * @throws IllegalArgumentException when none is left
   */
  public static List<Strategy> runnable(List<Strategy> requested, Consumer<String> skipped) {
    return runnable(requested, Haproxy.BINARY, System.getenv(), skipped);
  }

  static List<Strategy> runnable(
      List<Strategy> requested,
      InstalledBinary haproxy,
      Map<String, String> env,
      Consumer<String> skipped) {
    List<Strategy> runnable = new ArrayList<>();
    for (Strategy s : requested) {
      if (s == HAPROXY && haproxy.find(env).isEmpty()) {
        skipped.accept(
            "strategy haproxy skipped: the haproxy binary is not installed; "
                + haproxy.howToInstall());
      } else {
        runnable.add(s);
      }
    }
    if (runnable.isEmpty()) {
      throw new IllegalArgumentException(
          "no strategy can run on this machine: "
              + String.join(", ", requested.stream().map(Strategy::wireName).toList()));
    }
    return runnable;
  }
}

package io.mqttdispatcher.loadgen.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The built-in scenarios. */
public final class Presets {
  /** Names accepted by {@code --scenario} besides a file. */
  public static final List<String> NAMES = List.of("paper", "smoke");

  private Presets() {}

  /**
   * The published experiment (sections 4.1 to 4.3): 9 publishers at 2000 msg/s and one at 10000
   * msg/s, 600-byte payloads, each sending for 100 s, one arriving about every 5 s in random order.
   */
  public static Scenario paper() {
    return new Scenario(
        "paper",
        List.of(
            new PublisherGroup("normal", 9, 2000, 600, 0, Duration.ofSeconds(100)),
            new PublisherGroup("heavy", 1, 10000, 600, 0, Duration.ofSeconds(100))),
        Duration.ofSeconds(5),
        ArrivalOrder.RANDOM);
  }

  /**
   * The paper's experiment scaled down to under 30 s per strategy on a 2-core machine: normal
   * publishers and one heavy one at five times their rate, 600-byte payloads, random arrival order,
   * all sending at once by the end. Six publishers instead of ten, so that arrivals can stay 2.5 s
   * apart: a broker's load shows in its probe's reports a second or two after a publisher arrives,
   * and a dispatcher can only balance what it has seen (the paper left 5 s between arrivals).
   */
  public static Scenario smoke() {
    return new Scenario(
        "smoke",
        List.of(
            new PublisherGroup("normal", 5, 400, 600, 0, Duration.ofSeconds(15)),
            new PublisherGroup("heavy", 1, 2000, 600, 0, Duration.ofSeconds(15))),
        Duration.ofMillis(2500),
        ArrivalOrder.RANDOM);
  }

  public static Optional<Scenario> byName(String name) {
    return switch (name) {
      case "paper" -> Optional.of(paper());
      case "smoke" -> Optional.of(smoke());
      default -> Optional.empty();
    };
  }
}

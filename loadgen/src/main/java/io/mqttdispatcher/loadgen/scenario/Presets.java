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
    return new Scenario("paper", List.of(
        new PublisherGroup("normal", 9, 2000, 600, 0, Duration.ofSeconds(100)),
        new PublisherGroup("heavy", 1, 10000, 600, 0, Duration.ofSeconds(100))),
        Duration.ofSeconds(5), ArrivalOrder.RANDOM);
  }

  /**
   * The paper's shape scaled down for a 2-core machine and a run under 30 s with both strategies:
   * the same 9 + 1 publishers, the same 5:1 rate ratio and 600-byte payloads, and the same ratio of
   * arrival spacing to sending time (1:20), at a tenth of the rate.
   */
  public static Scenario smoke() {
    return new Scenario("smoke", List.of(
        new PublisherGroup("normal", 9, 200, 600, 0, Duration.ofSeconds(6)),
        new PublisherGroup("heavy", 1, 1000, 600, 0, Duration.ofSeconds(6))),
        Duration.ofMillis(300), ArrivalOrder.RANDOM);
  }

  public static Optional<Scenario> byName(String name) {
    return switch (name) {
      case "paper" -> Optional.of(paper());
      case "smoke" -> Optional.of(smoke());
      default -> Optional.empty();
    };
  }
}

package io.mqttdispatcher.loadgen.rebalance;

import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import java.util.List;
import java.util.Map;

/**
 * One mode's run.
 *
 * @param mode {@code scale-out}, {@code evacuate} or {@code replicas}
 * @param description what happened, in one sentence
 * @param devices idle devices in the fleet
 * @param brokers broker endpoints, in order ({@code broker-1} first)
 * @param figures measured figures, by name, in the order they were taken
 * @param checks what the run must show, each measured
 * @param timeline connections per broker over time
 * @param marks the moments the run changed something
 * @param warnings what went wrong on the way
 */
public record RebalanceResult(
    String mode,
    String description,
    int devices,
    List<String> brokers,
    Map<String, String> figures,
    List<Check> checks,
    List<ConnectionTimeline.Sample> timeline,
    List<ConnectionTimeline.Mark> marks,
    List<String> warnings) {
  public RebalanceResult {
    brokers = List.copyOf(brokers);
    figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
    checks = List.copyOf(checks);
    timeline = List.copyOf(timeline);
    marks = List.copyOf(marks);
    warnings = List.copyOf(warnings);
  }

  /** Every check passed. */
  public boolean passed() {
    return checks.stream().allMatch(Check::passed);
  }
}

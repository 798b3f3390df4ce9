package io.mqttdispatcher.loadgen.storm;

import io.mqttdispatcher.loadgen.fleet.AttemptCounts;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.Spread;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One strategy's storm.
 *
 * @param strategy {@code dispatcher}, {@code dns-rr} or {@code haproxy}
 * @param entry how devices found a broker, in words
 * @param devices fleet size
 * @param brokers broker endpoints, in order
 * @param connectAllSeconds from the first device's connect until every device was connected; null
 *     when that did not happen within the recovery timeout
 * @param events the kill and the power cut, in order
 * @param afterKill the spread over the surviving brokers just before the power cut (devices per
 *     broker as the devices see it, or behind a load balancer as the balancer counts them)
 * @param end the spread over every broker at the end
 * @param attempts every connection attempt of the run
 * @param longestOutageSeconds the longest time one device was without a broker
 * @param timeline connections per broker over time
 * @param marks the events' moments on the timeline
 * @param warnings what went wrong on the way (a device not back in time, ...)
 */
public record StormResult(
    String strategy,
    String entry,
    int devices,
    List<String> brokers,
    @Nullable Double connectAllSeconds,
    List<StormEvent> events,
    Spread afterKill,
    Spread end,
    AttemptCounts attempts,
    double longestOutageSeconds,
    List<ConnectionTimeline.Sample> timeline,
    List<ConnectionTimeline.Mark> marks,
    List<String> warnings) {
  public StormResult {
    brokers = List.copyOf(brokers);
    events = List.copyOf(events);
    timeline = List.copyOf(timeline);
    marks = List.copyOf(marks);
    warnings = List.copyOf(warnings);
  }

  /** Every device was back after every event. */
  public boolean allBack() {
    return connectAllSeconds != null && events.stream().allMatch(e -> e.allBackSeconds() != null);
  }
}

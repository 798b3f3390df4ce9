package io.mqttdispatcher.loadgen.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An experiment: publisher groups, one publisher arriving every {@code spacing}, in {@code order}.
 *
 * @param name label in reports
 * @param groups at least one group
 * @param spacing time between two arrivals, 0..1h
 * @param order arrival order
 */
public record Scenario(
    String name, List<PublisherGroup> groups, Duration spacing, ArrivalOrder order) {
  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spacing, "spacing");
    Objects.requireNonNull(order, "order");
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("scenario '" + name + "' has no publisher groups");
    }
    if (spacing.isNegative() || spacing.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "scenario '" + name + "': spacing must be within 0..1h, got " + spacing);
    }
    if (groups.stream().map(PublisherGroup::name).distinct().count() != groups.size()) {
      throw new IllegalArgumentException("scenario '" + name + "': group names must be distinct");
    }
  }

  public int publisherCount() {
    return groups.stream().mapToInt(PublisherGroup::count).sum();
  }

  /**
   * This scenario with every publisher sending {@code extra} longer, so that all of them send
   * together for that much more time after the last arrival: time for corrections made after
   * connect (automatic rebalancing) to show in the end window.
   */
  public Scenario sendingLonger(Duration extra) {
    if (extra.isNegative()) {
      throw new IllegalArgumentException("the extra sending time must be 0 or more, got " + extra);
    }
    if (extra.isZero()) {
      return this;
    }
    List<PublisherGroup> longer =
        groups.stream()
            .map(
                g ->
                    new PublisherGroup(
                        g.name(),
                        g.count(),
                        g.rate(),
                        g.payloadBytes(),
                        g.qos(),
                        g.duration().plus(extra)))
            .toList();
    return new Scenario(name, longer, spacing, order);
  }

  /** From the first arrival to the end of the last publisher, whatever the order. */
  public Duration length() {
    Duration lastArrival = spacing.multipliedBy(publisherCount() - 1L);
    Duration longest =
        groups.stream().map(PublisherGroup::duration).max(Duration::compareTo).orElseThrow();
    return lastArrival.plus(longest);
  }
}

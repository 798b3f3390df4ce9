package io.mqttdispatcher.loadgen.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Publishers that behave alike.
 *
 * @param name short label used in publisher ids and reports
 * @param count how many publishers, 1..10000
 * @param rate messages per second each publisher sends, up to 1,000,000
 * @param payloadBytes bytes per message, 0..1 MiB
 * @param qos 0, 1 or 2
 * @param duration how long each publisher sends, from its own arrival
 */
public record PublisherGroup(
    String name, int count, double rate, int payloadBytes, int qos, Duration duration) {
  public PublisherGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(duration, "duration");
    if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException(
          "group name '" + name + "' must be 1-32 letters, digits, '-' or '_'");
    }
    check(count >= 1 && count <= 10_000, name, "count must be within 1..10000, got " + count);
    check(
        rate > 0 && rate <= 1_000_000, name, "rate must be within (0, 1000000] msg/s, got " + rate);
    check(
        payloadBytes >= 0 && payloadBytes <= 1 << 20,
        name,
        "payloadBytes must be within 0..1048576, got " + payloadBytes);
    check(qos >= 0 && qos <= 2, name, "qos must be 0, 1 or 2, got " + qos);
    check(
        !duration.isNegative()
            && !duration.isZero()
            && duration.compareTo(Duration.ofHours(24)) <= 0,
        name,
        "duration must be within (0, 24h], got " + duration);
  }

  private static void check(boolean ok, String group, String message) {
    if (!ok) {
      throw new IllegalArgumentException("group '" + group + "': " + message);
    }
  }
}

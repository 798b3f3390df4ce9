package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.devicekit.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a fleet of idle devices behaves. Defaults live here, as strings the command line shows in
 * {@code --help}.
 *
 * @param devices how many devices
 * @param idPrefix client identifiers are this prefix and the device's number, so a device keeps its
 *     identifier on every broker
 * @param keepAlive MQTT keep-alive each device asks for
 * @param connectRate devices that connect per second when the fleet starts
 * @param connectTimeout per connection attempt: TCP connect plus CONNECT/CONNACK
 * @param maxBackoff after a failed attempt a device waits about {@link Backoff#DEFAULT_INITIAL},
 *     doubling per failure up to this, with jitter: the device kit's schedule, for both entry
 *     points
 */
public record FleetOptions(
    int devices,
    String idPrefix,
    Duration keepAlive,
    int connectRate,
    Duration connectTimeout,
    Duration maxBackoff) {
  public static final String DEFAULT_ID_PREFIX = "idle-";
  public static final String DEFAULT_KEEP_ALIVE = "60s";
  public static final String DEFAULT_CONNECT_RATE = "500";
  public static final String DEFAULT_CONNECT_TIMEOUT = "5s";
  public static final String DEFAULT_MAX_BACKOFF = "5s";

  public FleetOptions {
    Objects.requireNonNull(idPrefix, "idPrefix");
    if (devices < 1 || devices > 100_000) {
      throw new IllegalArgumentException("devices must be within 1..100000, got " + devices);
    }
    if (keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65_535) {
      throw new IllegalArgumentException(
          "keep-alive must be within 1s..65535s, got " + DurationConverter.format(keepAlive));
    }
    if (connectRate < 1) {
      throw new IllegalArgumentException(
          "connect rate must be at least 1 device/s, got " + connectRate);
    }
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || maxBackoff.compareTo(Backoff.DEFAULT_INITIAL) < 0) {
      throw new IllegalArgumentException(
          "connect timeout must be positive and max backoff at least "
              + DurationConverter.format(Backoff.DEFAULT_INITIAL));
    }
  }

  /** {@code devices} devices with every other setting at its default. */
  public static FleetOptions of(int devices) {
    return new FleetOptions(
        devices,
        DEFAULT_ID_PREFIX,
        DurationConverter.parse(DEFAULT_KEEP_ALIVE),
        Integer.parseInt(DEFAULT_CONNECT_RATE),
        DurationConverter.parse(DEFAULT_CONNECT_TIMEOUT),
        DurationConverter.parse(DEFAULT_MAX_BACKOFF));
  }

  /** The wait after failed attempts, as the device kit's connector waits. */
  Backoff backoff() {
    return new Backoff(Backoff.DEFAULT_INITIAL, maxBackoff);
  }

  /** The client identifier of device {@code index} (0-based). */
  public String clientId(int index) {
    return idPrefix + index;
  }
}

package io.mqttdispatcher.loadgen.bench;

import io.mqttdispatcher.cli.HostPort;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@code bench-connect}; defaults live here.
 *
 * @param target dispatcher or broker
 * @param concurrency connections in flight at once (one thread each), 1..1024
 * @param duration how long to run, up to 1 h
 * @param follow also connect to the broker a redirect names and measure the whole device connect
 * @param sourceAddresses for a loopback target, spread connections over 127.0.0.1..127.0.0.N so a
 *     long run does not run out of ephemeral ports; 0 lets the system choose
 * @param timeout per connect and per CONNACK
 */
public record BenchOptions(
    HostPort target,
    int concurrency,
    Duration duration,
    boolean follow,
    int sourceAddresses,
    Duration timeout) {
  public static final String DEFAULT_CONCURRENCY = "4";
  public static final String DEFAULT_DURATION = "10s";
  public static final String DEFAULT_SOURCE_ADDRESSES = "8";
  public static final String DEFAULT_TIMEOUT = "2s";

  public BenchOptions {
    Objects.requireNonNull(target, "target");
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException(
          "--concurrency must be within 1..1024, got " + concurrency);
    }
    if (duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("--duration must be within (0, 1h], got " + duration);
    }
    if (sourceAddresses < 0 || sourceAddresses > 254) {
      throw new IllegalArgumentException(
          "--source-addresses must be within 0..254, got " + sourceAddresses);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("--timeout must be positive");
    }
  }
}

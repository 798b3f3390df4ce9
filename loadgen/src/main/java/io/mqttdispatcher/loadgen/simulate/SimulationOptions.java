package io.mqttdispatcher.loadgen.simulate;

import java.time.Duration;
import java.util.List;

/**
 * The model's parameters.
 *
 * @param brokers how many brokers
 * @param capacities relative capacities, assigned to the brokers in turn (1,2: every second broker
 *     takes twice the work); the probes report them, and CPU as utilisation of each broker
 * @param devices how many devices arrive
 * @param arrivalsPerSecond arrival rate, evenly spaced
 * @param heavyShare share of devices that are heavy (0..1)
 * @param heavyFactor a heavy device's message rate relative to a light one's (1 msg/s)
 * @param utilization the brokers' utilisation once every device has arrived (0..1): total work over
 *     total capacity
 * @param reportInterval how often each probe reports
 * @param window the dispatcher's load averaging window
 * @param seed which devices are heavy, and the policies' random choices: a run is repeatable
 */
public record SimulationOptions(
    int brokers,
    List<Double> capacities,
    long devices,
    double arrivalsPerSecond,
    double heavyShare,
    double heavyFactor,
    double utilization,
    Duration reportInterval,
    Duration window,
    long seed) {

  public static final String DEFAULT_BROKERS = "20";
  public static final String DEFAULT_CAPACITIES = "1";
  public static final String DEFAULT_DEVICES = "1000000";
  public static final String DEFAULT_ARRIVALS = "5000";
  public static final String DEFAULT_HEAVY_SHARE = "0.01";
  public static final String DEFAULT_HEAVY_FACTOR = "100";
  public static final String DEFAULT_UTILIZATION = "0.6";

  public SimulationOptions {
    if (brokers < 1 || brokers > 10_000) {
      throw new IllegalArgumentException("--brokers must be within 1..10000, got " + brokers);
    }
    capacities = List.copyOf(capacities);
    if (capacities.isEmpty()
        || !capacities.stream().allMatch(c -> c > 0 && c < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("--capacities must be numbers above 0, got " + capacities);
    }
    if (devices < 1 || devices > 100_000_000L) {
      throw new IllegalArgumentException("--devices must be within 1..100000000, got " + devices);
    }
    if (!(arrivalsPerSecond > 0)) {
      throw new IllegalArgumentException("--arrivals must be above 0, got " + arrivalsPerSecond);
    }
    if (!(heavyShare >= 0 && heavyShare <= 1)) {
      throw new IllegalArgumentException("--heavy-share must be within 0..1, got " + heavyShare);
    }
    if (!(heavyFactor >= 1)) {
      throw new IllegalArgumentException("--heavy-factor must be at least 1, got " + heavyFactor);
    }
    if (!(utilization > 0 && utilization <= 1)) {
      throw new IllegalArgumentException("--utilization must be within 0..1, got " + utilization);
    }
  }

  /** Capacity of broker {@code i} (0-based). */
  public double capacity(int i) {
    return capacities.get(i % capacities.size());
  }
}

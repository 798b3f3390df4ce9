package io.mqttdispatcher.loadgen.simulate;

import java.util.Arrays;

/**
 * How one policy spread the fleet: per broker, devices and message rate at the end of the run. A
 * broker's load is its message rate per unit of capacity (its utilisation, up to a common factor),
 * so an even spread is one where every broker is equally full, whatever its size.
 *
 * @param policy the policy's option name
 * @param devices devices per broker
 * @param msgRate messages per second per broker
 * @param capacity each broker's capacity
 * @param choiceNanos mean time the policy took per device, measured
 * @param peakMaxOverMean the worst busiest-to-mean load ratio seen at any report after the first 10
 *     s
 */
public record SimulationResult(
    String policy,
    long[] devices,
    double[] msgRate,
    double[] capacity,
    double choiceNanos,
    double peakMaxOverMean) {

  /** Busiest broker's load relative to the mean (1 = perfectly even). */
  public double maxOverMean() {
    return maxOverMean(msgRate, capacity);
  }

  /** Idlest broker's load relative to the mean. */
  public double minOverMean() {
    double[] load = load(msgRate, capacity);
    return Arrays.stream(load).min().orElse(0) / mean(load);
  }

  /** Coefficient of variation of the brokers' loads (0 = perfectly even). */
  public double variation() {
    double[] load = load(msgRate, capacity);
    double mean = mean(load);
    double var = Arrays.stream(load).map(r -> (r - mean) * (r - mean)).sum() / load.length;
    return Math.sqrt(var) / mean;
  }

  /**
   * Busiest broker's message rate per unit of capacity relative to the mean; 0 when nothing flows.
   */
  static double maxOverMean(double[] msgRate, double[] capacity) {
    double[] load = load(msgRate, capacity);
    double mean = mean(load);
    return mean == 0 ? 0 : Arrays.stream(load).max().orElse(0) / mean;
  }

  private static double[] load(double[] msgRate, double[] capacity) {
    double[] load = new double[msgRate.length];
    for (int i = 0; i < load.length; i++) {
      load[i] = msgRate[i] / capacity[i];
    }
    return load;
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).sum() / values.length;
  }
}

package io.mqttdispatcher.loadgen.simulate;

import java.util.Arrays;

/**
 * How one policy spread the fleet: per broker, devices and message rate at the end of the run.
 *
 * @param policy the policy's option name
 * @param devices devices per broker
 * @param msgRate messages per second per broker
 * @param choiceNanos mean time the policy took per device, measured
 * @param peakMaxOverMean the worst busiest-to-mean ratio seen at any report after the first 10 s
 */
public record SimulationResult(String policy, long[] devices, double[] msgRate, double choiceNanos, double peakMaxOverMean) {

  /** Busiest broker's message rate relative to the mean (1 = perfectly even). */
  public double maxOverMean() {
    return Arrays.stream(msgRate).max().orElse(0) / mean();
  }

  /** Idlest broker's message rate relative to the mean. */
  public double minOverMean() {
    return Arrays.stream(msgRate).min().orElse(0) / mean();
  }

  /** Coefficient of variation of the brokers' message rates (0 = perfectly even). */
  public double variation() {
    double mean = mean();
    double var = Arrays.stream(msgRate).map(r -> (r - mean) * (r - mean)).sum() / msgRate.length;
    return Math.sqrt(var) / mean;
  }

  private double mean() {
    return Arrays.stream(msgRate).sum() / msgRate.length;
  }
}

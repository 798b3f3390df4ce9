package io.mqttdispatcher.loadgen.report;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles, in milliseconds, from an HdrHistogram of microseconds (three significant
 * digits: any latency is kept to within 0.1 %, in constant memory however many are recorded).
 */
public final class Percentile {
  private Percentile() {}

  /** A histogram that records microseconds and grows as needed. */
  public static Histogram microsecondsHistogram() {
    return new Histogram(3);
  }

  /**
   * The latency below which {@code percentile} % of the recorded ones fall (the start of the bucket
   * it lies in), in milliseconds; NaN when nothing was recorded.
   */
  public static double millis(Histogram microseconds, double percentile) {
    if (microseconds.getTotalCount() == 0) {
      return Double.NaN;
    }
    return microseconds.lowestEquivalentValue(microseconds.getValueAtPercentile(percentile))
        / 1000.0;
  }

  /** The slowest latency recorded, in milliseconds; NaN when nothing was recorded. */
  public static double maxMillis(Histogram microseconds) {
    return microseconds.getTotalCount() == 0 ? Double.NaN : microseconds.getMaxValue() / 1000.0;
  }
}

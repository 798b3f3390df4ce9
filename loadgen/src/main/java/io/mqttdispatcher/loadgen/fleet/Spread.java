package io.mqttdispatcher.loadgen.fleet;

import java.util.List;

/**
 * How evenly devices sit on a set of brokers.
 *
 * @param counts devices per broker
 * @param mean devices per broker on average
 * @param maxOverMean the fullest broker against the mean (1 = even; 3 brokers with every device on
 *     one give 3)
 * @param minOverMean the emptiest broker against the mean
 */
public record Spread(List<Integer> counts, double mean, double maxOverMean, double minOverMean) {
  public Spread {
    counts = List.copyOf(counts);
  }

  /** The spread of {@code counts}; ratios are 0 when there is no device. */
  public static Spread of(List<Integer> counts) {
    if (counts.isEmpty()) {
      throw new IllegalArgumentException("a spread needs at least one broker");
    }
    double mean = counts.stream().mapToInt(Integer::intValue).average().orElse(0);
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = counts.stream().mapToInt(Integer::intValue).min().orElse(0);
    return new Spread(counts, mean, mean == 0 ? 0 : max / mean, mean == 0 ? 0 : min / mean);
  }
}

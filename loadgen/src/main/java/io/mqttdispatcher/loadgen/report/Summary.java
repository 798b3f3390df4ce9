package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.run.BrokerSecond;
import io.mqttdispatcher.loadgen.run.PublisherResult;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The comparison figures of one strategy, over the seconds when publishers were sending (the
 * paper's "average throughput" per broker and the gap between brokers).
 *
 * @param strategy strategy name
 * @param brokers broker endpoints
 * @param meanRate per broker, mean messages/s received
 * @param gap highest minus lowest mean rate, msg/s
 * @param gapPercent gap as a percentage of the brokers' total rate
 * @param meanCpu per broker, mean CPU in % as the run's load source measures it (the probes'
 *     utilisation of the cores each broker can use, or a share of the whole machine from broker
 *     pids), null when unknown
 * @param cpuGap mean over seconds of (highest minus lowest broker CPU), percentage points; null
 *     when unknown
 * @param connectP50 connect latency median, ms (through the dispatcher: redirect included)
 * @param connectP99 connect latency 99th percentile, ms
 * @param reached publishers that reached a broker
 * @param publishers planned publishers
 * @param sent messages publishers handed to the network
 * @param received messages the brokers' subscribers counted
 * @param achievedPercent achieved send rate as a percentage of the configured rate, all publishers
 * @param endFrom first second of the end window: the last {@link #END_SECONDS} seconds with every
 *     publisher connected (after the last arrival, before the first one stops), or -1 when none
 * @param endTo the end window's last second (exclusive)
 * @param endRate per broker, mean messages/s received in the end window
 * @param endGap highest minus lowest broker's rate in the end window, msg/s (NaN without a window)
 * @param bestGap the smallest gap any placement of these publishers on these brokers could reach,
 *     from their configured rates (equal brokers; NaN when too many publishers to try them all)
 * @param total the publishers' configured rates added up, msg/s
 * @param cpuPerMessageMicros CPU of the data path per message received, microseconds: the brokers'
 *     CPU time over the run, plus the balancer's where there is one, over every message the
 *     brokers' subscribers counted; null when the brokers' CPU time is unknown
 * @param dataPathCpuSeconds that CPU time, seconds; null when unknown
 * @param balancerCpuSeconds the balancer's part of it, seconds; null without a balancer
 * @param dispatcherCpuSeconds the dispatcher's CPU time over the run (off the data path), for the
 *     dispatcher strategy; null for the others or when unknown
 */
public record Summary(
    String strategy,
    List<String> brokers,
    List<Double> meanRate,
    double gap,
    double gapPercent,
    List<@Nullable Double> meanCpu,
    @Nullable Double cpuGap,
    double connectP50,
    double connectP99,
    int reached,
    int publishers,
    long sent,
    long received,
    double achievedPercent,
    int endFrom,
    int endTo,
    List<Double> endRate,
    double endGap,
    double bestGap,
    double total,
    @Nullable Double cpuPerMessageMicros,
    @Nullable Double dataPathCpuSeconds,
    @Nullable Double balancerCpuSeconds,
    @Nullable Double dispatcherCpuSeconds) {

  /** Length of the end window, seconds. */
  public static final int END_SECONDS = 10;

  /** Above this many publishers the best gap is not searched (the search grows exponentially). */
  static final int MAX_PUBLISHERS_FOR_BEST = 16;

  public static Summary of(StrategyResult r) {
    int n = r.brokers().size();
    int from = r.activeFrom();
    int seconds = Math.max(1, r.activeTo() - from);
    double[] messages = new double[n];
    double[] cpuSum = new double[n];
    int[] cpuCount = new int[n];
    double gapSum = 0;
    int gapCount = 0;
    List<List<BrokerSecond>> bySecond = bySecond(r, n);
    int[] end = endWindow(r, bySecond);
    double[] endMessages = new double[n];
    for (List<BrokerSecond> row : bySecond) {
      for (BrokerSecond b : row) {
        if (b.second() >= end[0] && b.second() < end[1]) {
          endMessages[b.broker()] += b.messages();
        }
      }
    }
    List<Double> endRate = new ArrayList<>();
    for (int i = 0; i < n && end[0] >= 0; i++) {
      endRate.add(endMessages[i] / (end[1] - end[0]));
    }
    for (List<BrokerSecond> row : bySecond) {
      if (row.isEmpty() || row.get(0).second() < from || row.get(0).second() >= r.activeTo()) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      boolean allCpu = true;
      for (BrokerSecond b : row) {
        messages[b.broker()] += b.messages();
        if (b.cpu() == null) {
          allCpu = false;
        } else {
          cpuSum[b.broker()] += b.cpu();
          cpuCount[b.broker()]++;
          max = Math.max(max, b.cpu());
          min = Math.min(min, b.cpu());
        }
      }
      if (allCpu && n > 1) {
        gapSum += (max - min) * 100;
        gapCount++;
      }
    }
    List<Double> meanRate = new ArrayList<>();
    List<@Nullable Double> meanCpu = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      meanRate.add(messages[i] / seconds);
      meanCpu.add(cpuCount[i] == 0 ? null : cpuSum[i] / cpuCount[i] * 100);
    }
    double max = meanRate.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double min = meanRate.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double total = meanRate.stream().mapToDouble(Double::doubleValue).sum();
    Histogram latencies = Percentile.microsecondsHistogram();
    r.publishers().stream()
        .filter(p -> p.error() == null && p.connectMillis() >= 0)
        .forEach(p -> latencies.recordValue(Math.round(p.connectMillis() * 1000)));
    double target = r.publishers().stream().mapToDouble(PublisherResult::targetRate).sum();
    long received = r.received().stream().mapToLong(Long::longValue).sum();
    Double dataPath = r.cpu().dataPathSeconds();
    double achieved = r.publishers().stream().mapToDouble(PublisherResult::achievedRate).sum();
    return new Summary(
        r.strategy(),
        r.brokers(),
        meanRate,
        max - min,
        total == 0 ? 0 : (max - min) / total * 100,
        meanCpu,
        gapCount == 0 ? null : gapSum / gapCount,
        Percentile.millis(latencies, 50),
        Percentile.millis(latencies, 99),
        (int) r.publishers().stream().filter(p -> p.error() == null).count(),
        r.publishers().size(),
        r.publishers().stream().mapToLong(PublisherResult::sent).sum(),
        received,
        target == 0 ? 0 : achieved / target * 100,
        end[0],
        end[1],
        endRate,
        endRate.isEmpty() || end[0] < 0
            ? Double.NaN
            : endRate.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - endRate.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        bestGap(
            r.publishers().stream()
                .filter(p -> p.error() == null)
                .mapToDouble(PublisherResult::targetRate)
                .toArray(),
            n),
        target,
        dataPath == null || received == 0 ? null : dataPath * 1e6 / received,
        dataPath,
        r.cpu().balancerSeconds(),
        r.cpu().dispatcherSeconds());
  }

  /**
   * The end window {from, to}: the last {@link #END_SECONDS} seconds up to the last second in which
   * every publisher that reached a broker was connected, none of them before the last arrival.
   */
  static int[] endWindow(StrategyResult r, List<List<BrokerSecond>> bySecond) {
    long reached = r.publishers().stream().filter(p -> p.error() == null).count();
    double lastStart =
        r.publishers().stream()
            .filter(p -> p.error() == null)
            .mapToDouble(PublisherResult::startSecond)
            .max()
            .orElse(-1);
    int lastFull = -1;
    for (List<BrokerSecond> row : bySecond) {
      if (!row.isEmpty()
          && reached > 0
          && row.stream().mapToInt(BrokerSecond::publishers).sum() >= reached) {
        lastFull = Math.max(lastFull, row.get(0).second());
      }
    }
    if (lastFull < 0) {
      return new int[] {-1, -1};
    }
    int to = lastFull + 1;
    int from = Math.max((int) Math.ceil(lastStart) + 1, to - END_SECONDS);
    return from < to ? new int[] {from, to} : new int[] {-1, -1};
  }

  /**
   * The smallest highest-minus-lowest total any assignment of {@code rates} to {@code brokers}
   * equal brokers reaches (exhaustive, brokers taken in order so that equal ones are tried once).
   */
  public static double bestGap(double[] rates, int brokers) {
    if (brokers < 1 || rates.length > MAX_PUBLISHERS_FOR_BEST) {
      return Double.NaN;
    }
    double[] sorted = rates.clone();
    java.util.Arrays.sort(sorted);
    double[] bins = new double[brokers];
    return search(sorted, sorted.length - 1, bins, 0, Double.POSITIVE_INFINITY);
  }

  private static double search(double[] rates, int i, double[] bins, int used, double best) {
    if (i < 0) {
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (double b : bins) {
        max = Math.max(max, b);
        min = Math.min(min, b);
      }
      return Math.min(best, max - min);
    }
    for (int b = 0; b < Math.min(bins.length, used + 1); b++) {
      bins[b] += rates[i];
      best = search(rates, i - 1, bins, Math.max(used, b + 1), best);
      bins[b] -= rates[i];
    }
    return best;
  }

  private static List<List<BrokerSecond>> bySecond(StrategyResult r, int n) {
    List<List<BrokerSecond>> rows = new ArrayList<>();
    List<BrokerSecond> current = new ArrayList<>();
    for (BrokerSecond b : r.timeline()) {
      if (!current.isEmpty() && current.get(0).second() != b.second()) {
        rows.add(current);
        current = new ArrayList<>(n);
      }
      current.add(b);
    }
    rows.add(current);
    return rows;
  }
}

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
 * @param meanCpu per broker, mean CPU in % of the machine, null when unknown
 * @param cpuGap mean over seconds of (highest minus lowest broker CPU), percentage points; null
 *     when unknown
 * @param connectP50 connect latency median, ms (through the dispatcher: redirect included)
 * @param connectP99 connect latency 99th percentile, ms
 * @param reached publishers that reached a broker
 * @param publishers planned publishers
 * @param sent messages publishers handed to the network
 * @param received messages the brokers' subscribers counted
 * @param achievedPercent achieved send rate as a percentage of the configured rate, all publishers
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
    double achievedPercent) {

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
        r.received().stream().mapToLong(Long::longValue).sum(),
        target == 0 ? 0 : achieved / target * 100);
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

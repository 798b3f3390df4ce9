package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.fleet.Spread;
import io.mqttdispatcher.loadgen.storm.StormResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The storm's strategies side by side, one row per figure: as text for the terminal, as rows for
 * HTML.
 */
public final class StormSummaryTable {
  private StormSummaryTable() {}

  /** Header row first (metric, then one column per strategy). */
  public static List<List<String>> rows(List<StormResult> results) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("metric"));
    results.forEach(r -> header.add(r.strategy()));
    rows.add(header);
    StormResult first = results.get(0);
    row(rows, results, "devices", r -> String.valueOf(r.devices()));
    row(rows, results, "all connected at the start after s", r -> seconds(r.connectAllSeconds()));
    for (int e = 0; e < first.events().size(); e++) {
      int i = e;
      String name = first.events().get(i).name();
      row(
          rows,
          results,
          name + ": devices lost",
          r -> String.valueOf(r.events().get(i).devicesLost()));
      row(
          rows,
          results,
          name + ": all back after s (from " + first.events().get(i).measuredFrom() + ")",
          r -> seconds(r.events().get(i).allBackSeconds()));
      row(
          rows,
          results,
          name + ": attempts to a dead endpoint",
          r -> String.valueOf(r.events().get(i).attempts().toDeadEndpoint()));
      if (results.stream().anyMatch(r -> r.events().get(i).balancerDeadConnects() != null)) {
        row(
            rows,
            results,
            name + ": balancer's connects to a dead broker (unseen by devices)",
            r -> count(r.events().get(i).balancerDeadConnects()));
      }
      if (i == 0) {
        row(
            rows,
            results,
            "devices per surviving broker before the power cut",
            r -> counts(r.afterKill()));
        row(rows, results, "max/mean over the survivors", r -> ratio(r.afterKill().maxOverMean()));
      }
    }
    for (int b = 0; b < first.brokers().size(); b++) {
      int i = b;
      row(
          rows,
          results,
          "final devices broker-" + (b + 1) + " (" + first.brokers().get(b) + ")",
          r -> String.valueOf(r.end().counts().get(i)));
    }
    row(rows, results, "final max/mean", r -> ratio(r.end().maxOverMean()));
    row(rows, results, "connection attempts", r -> String.valueOf(r.attempts().attempts()));
    row(rows, results, "failed attempts", r -> String.valueOf(r.attempts().failed()));
    row(
        rows,
        results,
        "attempts to a dead endpoint",
        r -> String.valueOf(r.attempts().toDeadEndpoint()));
    row(
        rows,
        results,
        "longest time one device had no broker s",
        r -> fmt("%.2f", r.longestOutageSeconds()));
    return rows;
  }

  /** The table as aligned text. */
  public static String render(List<StormResult> results) {
    return SummaryTable.renderRows(rows(results));
  }

  private static void row(
      List<List<String>> rows,
      List<StormResult> results,
      String metric,
      Function<StormResult, String> cell) {
    List<String> row = new ArrayList<>(List.of(metric));
    results.forEach(r -> row.add(cell.apply(r)));
    rows.add(row);
  }

  private static String count(@Nullable Long value) {
    return value == null ? "-" : String.valueOf(value);
  }

  private static String counts(Spread s) {
    return String.join(" / ", s.counts().stream().map(String::valueOf).toList());
  }

  private static String ratio(double value) {
    return fmt("%.2f", value);
  }

  private static String seconds(@Nullable Double value) {
    return value == null ? "not all" : fmt("%.2f", value);
  }

  private static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }
}

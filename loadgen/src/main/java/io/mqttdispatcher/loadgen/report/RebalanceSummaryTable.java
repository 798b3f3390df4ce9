package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.rebalance.Check;
import io.mqttdispatcher.loadgen.rebalance.RebalanceResult;
import java.util.ArrayList;
import java.util.List;

/** The rebalance scenario's figures and checks, one row each, per mode: text and HTML rows. */
public final class RebalanceSummaryTable {
  private RebalanceSummaryTable() {}

  /** Header row first: mode, what, measured, expected, result. */
  public static List<List<String>> rows(List<RebalanceResult> results) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("mode", "figure or check", "measured", "expected", "result"));
    for (RebalanceResult r : results) {
      r.figures().forEach((name, value) -> rows.add(List.of(r.mode(), name, value, "", "")));
      for (Check c : r.checks()) {
        rows.add(
            List.of(r.mode(), c.name(), c.measured(), c.expected(), c.passed() ? "ok" : "FAILED"));
      }
    }
    return rows;
  }

  /** The table as aligned text. */
  public static String render(List<RebalanceResult> results) {
    return SummaryTable.renderRows(rows(results));
  }
}

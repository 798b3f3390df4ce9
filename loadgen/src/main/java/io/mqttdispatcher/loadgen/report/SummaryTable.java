package io.mqttdispatcher.loadgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The strategies side by side, one row per figure: as text for the terminal, as rows for HTML. */
public final class SummaryTable {
  private SummaryTable() {}

  /** Header row first (metric, then one column per strategy). */
  public static List<List<String>> rows(List<Summary> summaries) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("metric"));
    summaries.forEach(s -> header.add(s.strategy()));
    rows.add(header);
    row(rows, summaries, "publishers reached a broker", s -> s.reached() + "/" + s.publishers());
    row(rows, summaries, "send rate achieved", s -> fmt("%.1f %%", s.achievedPercent()));
    row(rows, summaries, "messages sent / received", s -> s.sent() + " / " + s.received());
    int brokers = summaries.get(0).brokers().size();
    for (int i = 0; i < brokers; i++) {
      int b = i;
      row(
          rows,
          summaries,
          "mean msg/s broker " + (b + 1) + " (" + summaries.get(0).brokers().get(b) + ")",
          s -> fmt("%.0f", s.meanRate().get(b)));
    }
    row(rows, summaries, "throughput gap msg/s", s -> fmt("%.0f", s.gap()));
    row(rows, summaries, "throughput gap % of total", s -> fmt("%.1f %%", s.gapPercent()));
    row(
        rows,
        summaries,
        "end window (s, all publishers on)",
        s -> s.endFrom() < 0 ? "n/a" : s.endFrom() + "-" + s.endTo());
    for (int i = 0; i < brokers; i++) {
      int b = i;
      row(
          rows,
          summaries,
          "end msg/s broker " + (b + 1),
          s -> s.endRate().size() > b ? fmt("%.0f", s.endRate().get(b)) : "n/a");
    }
    row(
        rows,
        summaries,
        "end gap msg/s (% of total)",
        s ->
            Double.isNaN(s.endGap())
                ? "n/a"
                : fmt("%.0f", s.endGap()) + fmt(" (%.1f %%)", s.endGap() / s.total() * 100));
    row(
        rows,
        summaries,
        "best possible gap msg/s (% of total)",
        s ->
            Double.isNaN(s.bestGap())
                ? "n/a"
                : fmt("%.0f", s.bestGap()) + fmt(" (%.1f %%)", s.bestGap() / s.total() * 100));
    for (int i = 0; i < brokers; i++) {
      int b = i;
      row(rows, summaries, "mean CPU broker " + (b + 1), s -> percent(s.meanCpu().get(b)));
    }
    row(
        rows,
        summaries,
        "CPU gap (mean, points)",
        s -> s.cpuGap() == null ? "n/a" : fmt("%.1f", s.cpuGap()));
    row(
        rows,
        summaries,
        "CPU per message",
        s ->
            s.cpuPerMessageMicros() == null
                ? "n/a"
                : fmt("%.2f µs", s.cpuPerMessageMicros()) + dataPathParts(s));
    row(
        rows,
        summaries,
        "dispatcher CPU over the run s",
        s -> s.dispatcherCpuSeconds() == null ? "-" : fmt("%.2f", s.dispatcherCpuSeconds()));
    row(rows, summaries, "connect p50 ms", s -> fmt("%.1f", s.connectP50()));
    row(rows, summaries, "connect p99 ms", s -> fmt("%.1f", s.connectP99()));
    return rows;
  }

  /** The table as aligned text. */
  public static String render(List<Summary> summaries) {
    return renderRows(rows(summaries));
  }

  /**
   * Rows (header first, then one per figure) as aligned text: the first column left, the others
   * right.
   */
  public static String renderRows(List<List<String>> rows) {
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        out.append(
            c == 0
                ? String.format(Locale.ROOT, "%-" + width[c] + "s", cell)
                : String.format(Locale.ROOT, "  %" + width[c] + "s", cell));
      }
      out.append('\n');
      if (r == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        out.append("-".repeat(total - 2)).append('\n');
      }
    }
    return out.toString();
  }

  private static void row(
      List<List<String>> rows,
      List<Summary> summaries,
      String metric,
      Function<Summary, String> cell) {
    List<String> row = new ArrayList<>(List.of(metric));
    summaries.forEach(s -> row.add(cell.apply(s)));
    rows.add(row);
  }

  /** What the CPU per message is made of, where there is more than the brokers. */
  private static String dataPathParts(Summary s) {
    Double balancer = s.balancerCpuSeconds();
    Double total = s.dataPathCpuSeconds();
    if (balancer == null || total == null || total <= 0) {
      return "";
    }
    return fmt(" (balancer %.0f %%)", balancer / total * 100);
  }

  private static String percent(@Nullable Double value) {
    return value == null ? "n/a" : fmt("%.1f %%", value);
  }

  private static String fmt(String format, double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value);
  }
}

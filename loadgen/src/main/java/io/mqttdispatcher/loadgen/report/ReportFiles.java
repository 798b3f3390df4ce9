package io.mqttdispatcher.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mqttdispatcher.loadgen.run.BrokerSecond;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code results.json}, {@code timeline.csv}, {@code summary.csv} and {@code report.html}
 * into one directory.
 */
public final class ReportFiles {
  public static final String RESULTS_JSON = "results.json";
  public static final String TIMELINE_CSV = "timeline.csv";
  public static final String REPORT_HTML = "report.html";

  /** The summary table as CSV: one row per figure, one column per strategy. */
  public static final String SUMMARY_CSV = "summary.csv";

  /** The columns of {@code timeline.csv}, in order. */
  public static final String CSV_HEADER =
      "strategy,second,broker_index,broker,messages,cpu,connections,publishers";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFiles() {}

  /**
   * Writes all four files.
   *
   * @param command the command line that produced the results, recorded for reproduction
   */
  public static void write(Path dir, String command, List<StrategyResult> results) {
    List<Summary> summaries = results.stream().map(Summary::of).toList();
    try {
      Files.createDirectories(dir);
      JSON.writeValue(
          dir.resolve(RESULTS_JSON).toFile(),
          Map.of(
              "generated", Instant.now().toString(),
              "command", command,
              "summaries", summaries,
              "strategies", results));
      Files.writeString(dir.resolve(TIMELINE_CSV), csv(results));
      Files.writeString(dir.resolve(SUMMARY_CSV), csvRows(SummaryTable.rows(summaries)));
      Files.writeString(dir.resolve(REPORT_HTML), HtmlReport.render(command, results, summaries));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Table rows as CSV, fields quoted where they hold a comma or a quote. */
  static String csvRows(List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        String field = row.get(c);
        if (field.contains(",") || field.contains("\"")) {
          field = "\"" + field.replace("\"", "\"\"") + "\"";
        }
        out.append(c == 0 ? "" : ",").append(field);
      }
      out.append('\n');
    }
    return out.toString();
  }

  static String csv(List<StrategyResult> results) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (StrategyResult r : results) {
      for (BrokerSecond b : r.timeline()) {
        out.append(r.strategy())
            .append(',')
            .append(b.second())
            .append(',')
            .append(b.broker())
            .append(',')
            .append(r.brokers().get(b.broker()))
            .append(',')
            .append(b.messages())
            .append(',')
            .append(b.cpu() == null ? "" : String.format(Locale.ROOT, "%.4f", b.cpu()))
            .append(',')
            .append(b.connections() == null ? "" : b.connections())
            .append(',')
            .append(b.publishers())
            .append('\n');
      }
    }
    return out.toString();
  }
}

package io.mqttdispatcher.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.storm.StormResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a storm's {@code results.json}, {@code timeline.csv}, {@code summary.csv} and {@code
 * report.html} into one directory.
 */
public final class StormReportFiles {
  /** The columns of the storm's {@code timeline.csv}, in order: one row per sample and broker. */
  public static final String CSV_HEADER =
      "strategy,seconds,broker_index,broker,devices,arrived,reported_connections,devices_without_broker";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StormReportFiles() {}

  /**
   * Writes all four files (the summary table as {@code summary.csv} too).
   *
   * @param command the command line that produced the results, recorded for reproduction
   */
  public static void write(Path dir, String command, List<StormResult> results) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("generated", Instant.now().toString());
      json.put("command", command);
      json.put("strategies", results);
      JSON.writeValue(dir.resolve(ReportFiles.RESULTS_JSON).toFile(), json);
      Files.writeString(dir.resolve(ReportFiles.TIMELINE_CSV), csv(results));
      Files.writeString(
          dir.resolve(ReportFiles.SUMMARY_CSV),
          ReportFiles.csvRows(StormSummaryTable.rows(results)));
      Files.writeString(
          dir.resolve(ReportFiles.REPORT_HTML), StormHtmlReport.render(command, results));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + dir + ": " + e.getMessage(), e);
    }
  }

  static String csv(List<StormResult> results) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (StormResult r : results) {
      appendTimeline(out, r.strategy(), r.brokers(), r.timeline());
    }
    return out.toString();
  }

  /**
   * One CSV row per sample and broker: {@code label,seconds,broker_index,broker,devices,arrived,
   * reported_connections,devices_without_broker}.
   */
  static void appendTimeline(
      StringBuilder out,
      String label,
      List<String> brokers,
      List<ConnectionTimeline.Sample> timeline) {
    for (ConnectionTimeline.Sample s : timeline) {
      for (int b = 0; b < brokers.size(); b++) {
        Long reported = s.reported().get(b);
        out.append(label)
            .append(',')
            .append(String.format(Locale.ROOT, "%.3f", s.millis() / 1000.0))
            .append(',')
            .append(b)
            .append(',')
            .append(brokers.get(b))
            .append(',')
            .append(s.devices().get(b))
            .append(',')
            .append(s.arrived().get(b))
            .append(',')
            .append(reported == null ? "" : reported)
            .append(',')
            .append(s.disconnected())
            .append('\n');
      }
    }
  }
}

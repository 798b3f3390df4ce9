package io.mqttdispatcher.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mqttdispatcher.loadgen.rebalance.RebalanceResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the rebalance scenario's {@code results.json}, {@code timeline.csv} and {@code
 * report.html} into one directory.
 */
public final class RebalanceReportFiles {
  /** The columns of {@code timeline.csv}, in order: one row per sample and broker. */
  public static final String CSV_HEADER =
      "mode,seconds,broker_index,broker,devices,arrived,reported_connections,devices_without_broker";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RebalanceReportFiles() {}

  /**
   * Writes all three files.
   *
   * @param command the command line that produced the results, recorded for reproduction
   */
  public static void write(Path dir, String command, List<RebalanceResult> results) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("generated", Instant.now().toString());
      json.put("command", command);
      json.put("passed", results.stream().allMatch(RebalanceResult::passed));
      json.put("modes", results);
      JSON.writeValue(dir.resolve(ReportFiles.RESULTS_JSON).toFile(), json);
      StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
      for (RebalanceResult r : results) {
        StormReportFiles.appendTimeline(csv, r.mode(), r.brokers(), r.timeline());
      }
      Files.writeString(dir.resolve(ReportFiles.TIMELINE_CSV), csv.toString());
      Files.writeString(
          dir.resolve(ReportFiles.REPORT_HTML), RebalanceHtmlReport.render(command, results));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + dir + ": " + e.getMessage(), e);
    }
  }
}

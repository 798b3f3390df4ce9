package io.mqttdispatcher.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.loadgen.fleet.AttemptCounts;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.Spread;
import io.mqttdispatcher.loadgen.storm.StormEvent;
import io.mqttdispatcher.loadgen.storm.StormResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StormReportFilesTest {
  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static StormResult result(String strategy, long dead) {
    List<ConnectionTimeline.Sample> timeline =
        List.of(
            new ConnectionTimeline.Sample(
                0, List.of(0, 0), 4, List.of(0L, 0L), Arrays.asList(null, null)),
            new ConnectionTimeline.Sample(
                250, List.of(2, 2), 0, List.of(2L, 2L), Arrays.asList(2L, null)),
            new ConnectionTimeline.Sample(
                500, List.of(0, 4), 0, List.of(2L, 4L), Arrays.asList(null, 4L)));
    AttemptCounts attempts = new AttemptCounts(10, 6, 2, 2, dead, Map.of("connection refused", 2L));
    return new StormResult(
        strategy,
        "test",
        4,
        List.of("127.0.0.1:1884", "127.0.0.1:1885"),
        0.25,
        List.of(
            new StormEvent("kill broker-1", 0.3, 2, 0.1, "the kill", attempts),
            new StormEvent("power cut", 0.4, 4, null, "the restart", AttemptCounts.NONE)),
        Spread.of(List.of(4)),
        Spread.of(List.of(0, 4)),
        attempts,
        0.2,
        timeline,
        List.of(new ConnectionTimeline.Mark(300, "kill broker-1")),
        List.of("power cut: not every device was back"));
  }

  @Test
  void csv_has_one_row_per_sample_and_broker_with_unknown_counts_empty() {
    String csv = StormReportFiles.csv(List.of(result("dispatcher", 0)));

    assertThat(csv.lines())
        .containsExactly(
            StormReportFiles.CSV_HEADER,
            "dispatcher,0.000,0,127.0.0.1:1884,0,0,,4",
            "dispatcher,0.000,1,127.0.0.1:1885,0,0,,4",
            "dispatcher,0.250,0,127.0.0.1:1884,2,2,2,0",
            "dispatcher,0.250,1,127.0.0.1:1885,2,2,,0",
            "dispatcher,0.500,0,127.0.0.1:1884,0,2,,0",
            "dispatcher,0.500,1,127.0.0.1:1885,4,4,4,0");
  }

  @Test
  void summary_table_puts_strategies_side_by_side_and_says_when_not_every_device_came_back() {
    String table = StormSummaryTable.render(List.of(result("dispatcher", 0), result("dns-rr", 7)));

    assertThat(table.lines().findFirst().orElseThrow()).contains("metric", "dispatcher", "dns-rr");
    assertThat(table)
        .containsPattern("attempts to a dead endpoint +0 +7\n")
        .containsPattern("kill broker-1: all back after s \\(from the kill\\) +0\\.10 +0\\.10")
        .containsPattern("power cut: all back after s \\(from the restart\\) +not all +not all")
        .containsPattern("final max/mean +2\\.00 +2\\.00");
  }

  @Test
  void writes_results_timeline_and_a_report_with_charts(@TempDir Path dir) throws Exception {
    StormReportFiles.write(dir, "loadgen storm --devices 4", List.of(result("dispatcher", 0)));

    assertThat(Files.readString(dir.resolve("results.json")))
        .contains("\"command\" : \"loadgen storm --devices 4\"", "\"toDeadEndpoint\" : 0");
    assertThat(dir.resolve("timeline.csv")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("report.html")))
        .contains("<img alt=\"devices per broker, dispatcher\" src=\"data:image/png;base64,")
        .contains("<img alt=\"connections reported by the brokers, dispatcher\"")
        .contains("power cut: not every device was back");
  }
}

package io.mqttdispatcher.loadgen.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.LoadgenMain;
import io.mqttdispatcher.loadgen.report.ReportFiles;
import io.mqttdispatcher.loadgen.scenario.Presets;
import io.mqttdispatcher.loadgen.testing.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The smoke scenario, both strategies, two real brokers (Mosquitto, or HiveMQ CE where it is not
 * installed) and a dispatcher, through the command line.
 */
class ExperimentRunnerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void smoke_with_both_strategies_writes_consistent_results(@TempDir Path out) throws Exception {
    try (LocalStack stack = LocalStack.start(2)) {
      List<HostPort> brokers = stack.brokerAddresses();
      StringWriter stdout = new StringWriter();
      CommandLine cl = LoadgenMain.commandLine();
      cl.setOut(new PrintWriter(stdout));

      int exit =
          cl.execute(
              "run",
              "--scenario",
              "smoke",
              "--strategy",
              "both",
              "--seed",
              "7",
              "--dispatcher",
              stack.dispatcherAddress().toString(),
              "--brokers",
              brokers.get(0) + "," + brokers.get(1),
              "--admin",
              stack.adminAddress().toString(),
              "--settle",
              "2s",
              "--out",
              out.toString());

      assertThat(exit).isZero();
      assertThat(stdout.toString())
          .contains("throughput gap msg/s", "dispatcher", "dns-rr", "connect p99 ms");
      JsonNode results = JSON.readTree(out.resolve(ReportFiles.RESULTS_JSON).toFile());
      JsonNode strategies = results.get("strategies");
      assertThat(strategies).hasSize(2);
      assertThat(strategies.get(0).get("strategy").asText()).isEqualTo("dispatcher");
      assertThat(strategies.get(1).get("strategy").asText()).isEqualTo("dns-rr");
      Map<String, Map<Integer, Long>> csvCounts = csvCounts(out.resolve(ReportFiles.TIMELINE_CSV));

      for (JsonNode s : strategies) {
        String strategy = s.get("strategy").asText();
        long sent = 0;
        for (JsonNode p : s.get("publishers")) {
          assertThat(p.get("error").isNull()).as("%s %s error", strategy, p.get("id")).isTrue();
          assertThat(p.get("broker").asText())
              .as("%s %s broker", strategy, p.get("id"))
              .isIn(brokers.get(0).toString(), brokers.get(1).toString());
          if (strategy.equals("dns-rr")) {
            int position = p.get("position").asInt();
            assertThat(p.get("broker").asText())
                .isEqualTo(brokers.get((position - 1) % 2).toString());
            assertThat(p.get("hops").asInt()).isZero();
          } else {
            assertThat(p.get("hops").asInt()).isEqualTo(1);
          }
          sent += p.get("sent").asLong();
        }
        assertThat(s.get("publishers")).hasSize(Presets.smoke().publisherCount());
        long received = 0;
        for (int b = 0; b < 2; b++) {
          long brokerReceived = s.get("received").get(b).asLong();
          assertThat(csvCounts.get(strategy).get(b))
              .as("%s broker %d timeline sum", strategy, b)
              .isEqualTo(brokerReceived);
          received += brokerReceived;
        }
        // QoS 0 on loopback at this rate: what the subscribers counted is what the publishers sent.
        assertThat(received)
            .as("%s received", strategy)
            .isLessThanOrEqualTo(sent)
            .isGreaterThanOrEqualTo((long) (sent * 0.98));
        assertThat(sent).as("%s sent", strategy).isGreaterThan(10_000);
      }
      String html = Files.readString(out.resolve(ReportFiles.REPORT_HTML));
      assertThat(html)
          .contains(
              "Strategy dispatcher",
              "Strategy dns-rr",
              "throughput gap msg/s",
              "data:image/png;base64,")
          .doesNotContain("src=\"http", "href=\"http");
    }
  }

  private static Map<String, Map<Integer, Long>> csvCounts(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(ReportFiles.CSV_HEADER);
    Map<String, Map<Integer, Long>> counts = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      counts
          .computeIfAbsent(f[0], k -> new HashMap<>())
          .merge(Integer.parseInt(f[2]), Long.parseLong(f[4]), Long::sum);
    }
    assertThat(counts.keySet().stream().sorted().collect(Collectors.toList()))
        .containsExactly("dispatcher", "dns-rr");
    return counts;
  }
}

package io.mqttdispatcher.loadgen.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.loadgen.LoadgenMain;
import io.mqttdispatcher.loadgen.report.RebalanceReportFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code loadgen rebalance} as a user runs it, small: real Mosquitto brokers, real probes and the
 * real dispatcher jar as processes, one mode per test. The scenario's own checks decide the exit
 * code; the test reads them back from {@code results.json} and names any that failed.
 */
class RebalanceScenarioIT {
  private static final int DEVICES = 60;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"scale-out", "evacuate", "replicas"})
  @Timeout(value = 240, unit = TimeUnit.SECONDS) // a stack of 6-7 processes on a loaded machine
  void every_check_of_the_mode_passes(String mode, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cl = LoadgenMain.commandLine();
    cl.setOut(new PrintWriter(stdout));
    cl.setErr(new PrintWriter(stderr));

    // 30 devices per donor at 10 per second: a donor moves 10 or more, enough for a rate.
    int exit =
        cl.execute(
            "rebalance",
            "--mode",
            mode,
            "--devices",
            String.valueOf(DEVICES),
            "--rate",
            "10",
            "--abs-threshold",
            "4",
            "--publishers",
            "3",
            "--settle",
            "1s",
            "--plan-timeout",
            "60s",
            "--out",
            out.toString(),
            "--root",
            "..");

    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    JsonNode run = results.get("modes").get(0);
    List<String> failed = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JsonNode c : run.get("checks")) {
      names.add(c.get("name").asText());
      if (!c.get("passed").asBoolean()) {
        failed.add(c.get("name").asText() + ": " + c.get("measured").asText());
      }
    }
    assertThat(failed).as(stdout + "\n" + stderr).isEmpty();
    assertThat(exit).isZero();
    assertThat(results.get("passed").asBoolean()).isTrue();
    assertThat(run.get("mode").asText()).isEqualTo(mode);
    assertThat(names).contains("longest time a device had no broker");
    if (mode.equals("evacuate")) {
      assertThat(names).contains("longest gap in any publisher's stream at the subscribers");
      assertThat(names)
          .anyMatch(n -> n.matches("devices left on broker-\\d \\(the fleet's count\\)"));
      assertThat(names).anyMatch(n -> n.startsWith("eviction rate broker-"));
    } else {
      assertThat(names)
          .contains(
              "donors within the thresholds at the end", "devices back on a donor during the plan");
      assertThat(names).anyMatch(n -> n.startsWith("eviction rate broker-"));
    }
    assertThat(stdout.toString()).contains("every check passed", "report: ");
    assertThat(Files.readString(out.resolve("timeline.csv")))
        .startsWith(RebalanceReportFiles.CSV_HEADER + "\n");
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("<img alt=\"devices per broker, " + mode + "\"");
  }
}

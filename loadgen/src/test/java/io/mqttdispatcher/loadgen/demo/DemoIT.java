package io.mqttdispatcher.loadgen.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.loadgen.LoadgenMain;
import io.mqttdispatcher.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loadgen demo} as a user runs it: real processes, real brokers, and nothing left behind.
 */
class DemoIT {
  /** A small scenario in the smoke shape, so each run takes seconds. */
  private static final String SCENARIO =
      """
      name: tiny
      spacing: 1s
      order: fixed
      groups:
        - name: normal
          count: 2
          rate: 100
          payloadBytes: 600
          duration: 3s
        - name: heavy
          count: 1
          rate: 500
          payloadBytes: 600
          duration: 3s
      """;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private record Run(int exit, String out, String err) {}

  private static Run demo(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LoadgenMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<String> processesMentioning(Path dir) {
    String needle = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains(needle))
        .toList();
  }

  private static void assertCompleteRun(Run run, Path out) throws Exception {
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("throughput gap msg/s", "dispatcher", "dns-rr", "report: ");
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("strategies")).hasSize(2);
    for (JsonNode s : results.get("summaries")) {
      assertThat(s.get("reached").asInt()).isEqualTo(3);
      assertThat(s.get("received").asLong()).isEqualTo(s.get("sent").asLong()).isPositive();
    }
    assertThat(out.resolve("report.html")).isNotEmptyFile();
    assertThat(out.resolve("stack/logs/dispatcher.log")).isNotEmptyFile();
    assertThat(processesMentioning(out)).as("processes left behind").isEmpty();
  }

  @Test
  void demo_with_mosquitto_runs_both_strategies_and_stops_everything(@TempDir Path dir)
      throws Exception {
    TestBroker.assumeMosquittoBinary("the demo's --broker mosquitto");
    Path scenario = Files.writeString(dir.resolve("tiny.yaml"), SCENARIO);
    Path out = dir.resolve("out");

    Run run =
        demo(
            "demo",
            "--scenario",
            scenario.toString(),
            "--broker",
            "mosquitto",
            "--settle",
            "1s",
            "--out",
            out.toString(),
            "--root",
            "..");

    assertCompleteRun(run, out);
    assertThat(run.err()).contains("Mosquitto brokers");
  }

  @Test
  void demo_without_mosquitto_runs_embedded_hivemq_brokers(@TempDir Path dir) throws Exception {
    Path scenario = Files.writeString(dir.resolve("tiny.yaml"), SCENARIO);
    Path out = dir.resolve("out");

    Run run =
        demo(
            "demo",
            "--scenario",
            scenario.toString(),
            "--broker",
            "hivemq",
            "--settle",
            "1s",
            "--out",
            out.toString(),
            "--root",
            "..");

    assertCompleteRun(run, out);
    assertThat(run.err()).contains("HiveMQ CE brokers");
    assertThat(Files.readString(out.resolve("stack/logs/broker-1.log")))
        .contains("broker listening", "metrics at http://127.0.0.1:")
        .doesNotContain("ERROR");
    // No $SYS tree: the probes read connections and message rate from the broker's metrics.
    assertThat(Files.readString(out.resolve("stack/logs/probe-1.log")))
        .contains("reading connections and message rate from hivemq metrics");
  }

  @Test
  void demo_stopped_by_a_signal_leaves_nothing_behind(@TempDir Path dir) throws Exception {
    Path scenario =
        Files.writeString(
            dir.resolve("long.yaml"), SCENARIO.replace("duration: 3s", "duration: 60s"));
    Path out = dir.resolve("out");
    Path log = dir.resolve("demo.log");
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                "target/loadgen.jar",
                "demo",
                "--scenario",
                scenario.toString(),
                "--broker",
                "auto",
                "--out",
                out.toString(),
                "--root",
                "..")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      // Two brokers, two probe JVMs and the dispatcher's JVM: on a loaded machine more than a
      // minute.
      await("the demo to run its scenario, or to exit")
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(log).contains("running scenario") || !demo.isAlive());
      assertThat(Files.readString(log)).contains("running scenario");
      assertThat(processesMentioning(out))
          .hasSizeGreaterThanOrEqualTo(5); // 2 brokers, 2 probes, dispatcher

      demo.destroy(); // SIGTERM: the same shutdown hook a Ctrl-C (SIGINT) runs

      assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      demo.destroyForcibly();
    }
    assertThat(processesMentioning(out)).as("processes left behind").isEmpty();
  }

  @Test
  void missing_jars_are_reported_before_anything_starts(@TempDir Path dir) {
    Run run = demo("demo", "--root", dir.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("dispatcher.jar is missing", "mvn -B -q package -DskipTests");
    assertThat(processesMentioning(dir)).isEmpty();
  }

  @Test
  void automatic_mode_with_the_dns_round_robin_run_is_refused_before_anything_starts(
      @TempDir Path dir) {
    Run run =
        demo(
            "demo",
            "--auto-rebalance",
            "--root",
            dir.toString(),
            "--out",
            dir.resolve("o").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--auto-rebalance needs --strategy dispatcher");
    assertThat(processesMentioning(dir)).isEmpty();
  }
}

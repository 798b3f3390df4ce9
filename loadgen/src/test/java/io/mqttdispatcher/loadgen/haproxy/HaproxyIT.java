package io.mqttdispatcher.loadgen.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.LoadgenMain;
import io.mqttdispatcher.loadgen.report.ReportFiles;
import io.mqttdispatcher.loadgen.testing.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The {@code haproxy} strategy as a user runs it, small: the loadgen starts a real HAProxy in front
 * of real brokers, a fleet storms it, publishers send through it, and the figures come from
 * HAProxy's own counters and the processes' own CPU time.
 */
class HaproxyIT {
  private static final int DEVICES = 120;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  /** Skips, loudly (console, log and test report), where the haproxy binary is missing. */
  @BeforeEach
  void needsHaproxy() {
    if (Haproxy.BINARY.find().isEmpty()) {
      String message =
          "SKIPPED: this test needs the haproxy binary and it is not installed; "
              + Haproxy.BINARY.howToInstall();
      LoggerFactory.getLogger(HaproxyIT.class).warn(message);
      System.err.println("*** " + message + " ***");
      Assumptions.abort(message);
    }
  }

  @Test
  void a_fleet_behind_haproxy_comes_back_from_a_kill_and_a_power_cut_spread_by_haproxy(
      @TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cl = LoadgenMain.commandLine();
    cl.setOut(new PrintWriter(stdout));
    cl.setErr(new PrintWriter(stderr));

    int exit =
        cl.execute(
            "storm",
            "--devices",
            String.valueOf(DEVICES),
            "--broker",
            "auto",
            "--strategy",
            "haproxy",
            "--settle",
            "1s",
            "--dead-for",
            "3s",
            "--outage",
            "2s",
            "--observe",
            "2s",
            "--recover-timeout",
            "60s",
            "--out",
            out.toString(),
            "--root",
            "..");

    assertThat(exit).as(stderr.toString()).isZero();
    assertThat(stderr.toString()).contains("haproxy on 127.0.0.1:");
    JsonNode strategies = JSON.readTree(out.resolve("results.json").toFile()).get("strategies");
    assertThat(strategies).hasSize(1);
    JsonNode s = strategies.get(0);
    assertThat(s.get("strategy").asText()).isEqualTo("haproxy");
    assertThat(s.get("entry").asText()).startsWith("HAProxy (TCP, leastconn) on 127.0.0.1:");
    JsonNode kill = s.get("events").get(0);
    JsonNode cut = s.get("events").get(1);
    // HAProxy's session count on the killed broker is what the fleet lost, and every device is
    // back.
    assertThat(kill.get("devicesLost").asInt()).isBetween(DEVICES / 3 - 10, DEVICES / 3 + 10);
    assertThat(kill.get("allBackSeconds").isNumber()).isTrue();
    assertThat(cut.get("devicesLost").asInt()).isEqualTo(DEVICES);
    assertThat(cut.get("allBackSeconds").isNumber()).isTrue();
    // The devices only ever see HAProxy's address, which never dies; its own tries are counted
    // apart.
    assertThat(s.get("attempts").get("toDeadEndpoint").asLong()).isZero();
    assertThat(kill.get("balancerDeadConnects").isNumber()).isTrue();
    // Least connections over the survivors, counted by HAProxy: they share the killed broker's
    // devices.
    assertThat(s.get("afterKill").get("maxOverMean").asDouble()).isLessThanOrEqualTo(1.2);
    assertThat(s.get("afterKill").get("counts"))
        .allSatisfy(c -> assertThat(c.asInt()).isPositive());
    int end = 0;
    for (JsonNode c : s.get("end").get("counts")) {
      end += c.asInt();
    }
    assertThat(end).as("devices HAProxy holds on the brokers at the end").isEqualTo(DEVICES);
    assertThat(Files.readString(out.resolve(ReportFiles.SUMMARY_CSV)))
        .contains("balancer's connects to a dead broker");
  }

  @Test
  void publishers_through_haproxy_are_counted_on_the_brokers_and_cost_cpu_per_message(
      @TempDir Path out) throws Exception {
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
              "haproxy",
              "--brokers",
              brokers.get(0) + "," + brokers.get(1),
              "--broker-pids",
              stack.broker(0).pid() + "," + stack.broker(1).pid(),
              "--out",
              out.toString());

      assertThat(exit).isZero();
      assertThat(stdout.toString()).contains("CPU per message", "µs (balancer ");
      JsonNode results = JSON.readTree(out.resolve(ReportFiles.RESULTS_JSON).toFile());
      JsonNode s = results.get("strategies").get(0);
      assertThat(s.get("strategy").asText()).isEqualTo("haproxy");
      List<String> landed = s.get("publishers").findValuesAsText("broker");
      // Placed by where their messages arrived: on the brokers, never on HAProxy's own address.
      assertThat(landed)
          .hasSize(6)
          .allSatisfy(
              b -> assertThat(b).isIn(brokers.get(0).toString(), brokers.get(1).toString()));
      assertThat(s.get("warnings")).isEmpty();
      long sent = s.get("publishers").findValues("sent").stream().mapToLong(JsonNode::asLong).sum();
      long received = s.get("received").get(0).asLong() + s.get("received").get(1).asLong();
      assertThat(received).isGreaterThanOrEqualTo((long) (sent * 0.98)).isLessThanOrEqualTo(sent);
      JsonNode summary = results.get("summaries").get(0);
      assertThat(summary.get("balancerCpuSeconds").asDouble()).isPositive();
      assertThat(summary.get("cpuPerMessageMicros").asDouble()).isPositive();
      assertThat(summary.get("dispatcherCpuSeconds").isNull()).isTrue();
      assertThat(Files.readString(out.resolve(ReportFiles.SUMMARY_CSV)))
          .startsWith("metric,haproxy\n")
          .contains("CPU per message,");
      assertThat(landed.stream().collect(Collectors.toSet())).hasSize(2);
    }
  }
}

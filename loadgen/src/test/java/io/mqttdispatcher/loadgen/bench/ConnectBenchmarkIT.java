package io.mqttdispatcher.loadgen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.LoadgenMain;
import io.mqttdispatcher.loadgen.testing.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConnectBenchmarkIT {

  @Test
  void bench_connect_against_a_dispatcher_reports_a_rate_and_only_use_another_server()
      throws Exception {
    try (LocalStack stack = LocalStack.start(1)) {
      StringWriter stdout = new StringWriter();
      CommandLine cl = LoadgenMain.commandLine();
      cl.setOut(new PrintWriter(stdout));

      int exit =
          cl.execute(
              "bench-connect",
              "--target",
              stack.dispatcherAddress().toString(),
              "--concurrency",
              "2",
              "--duration",
              "2s");

      assertThat(exit).isZero();
      String text = stdout.toString();
      assertThat(text)
          .containsPattern("exchanges   [1-9]\\d* in")
          .contains("CONNACK     0x9C Use another server: ")
          .contains("errors      0");
      assertThat(text.lines().filter(l -> l.startsWith("CONNACK")).count()).isEqualTo(1);
    }
  }

  @Test
  void follow_completes_the_connection_to_the_referenced_broker() throws Exception {
    try (LocalStack stack = LocalStack.start(1)) {
      BenchResult r =
          new ConnectBenchmark(
                  new BenchOptions(
                      stack.dispatcherAddress(),
                      2,
                      Duration.ofSeconds(2),
                      true,
                      4,
                      Duration.ofSeconds(2)))
              .run();

      assertThat(r.rate()).isPositive();
      assertThat(r.errors()).isZero();
      assertThat(r.reasonCodes()).containsOnlyKeys("0x9C Use another server");
      assertThat(r.followReasonCodes()).containsOnlyKeys("0x00 Success");
      assertThat(r.followReasonCodes().get("0x00 Success")).isEqualTo(r.exchanges());
      assertThat(r.p50Millis()).isPositive().isLessThanOrEqualTo(r.p99Millis());
    }
  }

  @Test
  void against_a_broker_it_measures_plain_connects() throws Exception {
    try (LocalStack stack = LocalStack.start(1)) {
      HostPort broker = stack.brokerAddress(0);
      BenchResult r =
          new ConnectBenchmark(
                  new BenchOptions(
                      broker, 1, Duration.ofSeconds(1), false, 0, Duration.ofSeconds(2)))
              .run();

      assertThat(r.exchanges()).isPositive();
      assertThat(r.reasonCodes()).containsOnlyKeys("0x00 Success");
    }
  }
}

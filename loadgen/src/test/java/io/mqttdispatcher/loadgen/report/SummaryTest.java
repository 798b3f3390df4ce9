package io.mqttdispatcher.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mqttdispatcher.loadgen.run.BrokerSecond;
import io.mqttdispatcher.loadgen.run.CpuUse;
import io.mqttdispatcher.loadgen.run.PublisherResult;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void means_and_gaps_are_taken_over_the_active_seconds() {
    // Seconds 0 and 3 are outside the active window [1, 3) and must not count.
    List<BrokerSecond> timeline =
        List.of(
            new BrokerSecond(0, 0, 999, 0.9, null, 1), new BrokerSecond(0, 1, 0, 0.0, null, 0),
            new BrokerSecond(1, 0, 3000, 0.30, null, 2),
                new BrokerSecond(1, 1, 1000, 0.10, null, 1),
            new BrokerSecond(2, 0, 5000, 0.50, null, 2),
                new BrokerSecond(2, 1, 1000, 0.20, null, 1),
            new BrokerSecond(3, 0, 999, 0.9, null, 0), new BrokerSecond(3, 1, 0, 0.0, null, 0));
    List<PublisherResult> publishers =
        List.of(
            new PublisherResult("a-1", "a", 1, 100, 100, 100, 0, 0, "h:1", 1, 2.0, 0.5, null),
            new PublisherResult("a-2", "a", 2, 100, 90, 90, 0, 0, "h:2", 1, 4.0, 1.0, null),
            new PublisherResult("a-3", "a", 3, 100, 0, 0, 0, 0, null, 0, -1, -1, "refused"));
    StrategyResult r =
        new StrategyResult(
            "dispatcher",
            "t",
            1,
            List.of("h:1", "h:2"),
            "test",
            publishers,
            timeline,
            List.of(9998L, 2000L),
            1,
            3,
            List.of());

    Summary s = Summary.of(r);

    assertThat(s.meanRate()).containsExactly(4000.0, 1000.0);
    assertThat(s.gap()).isEqualTo(3000.0);
    assertThat(s.gapPercent()).isCloseTo(60.0, within(1e-9));
    assertThat(s.meanCpu().get(0)).isCloseTo(40.0, within(1e-9));
    assertThat(s.cpuGap()).isCloseTo(25.0, within(1e-9));
    assertThat(s.connectP50()).isEqualTo(2.0);
    assertThat(s.connectP99()).isEqualTo(4.0);
    assertThat(s.reached()).isEqualTo(2);
    assertThat(s.received()).isEqualTo(11998);
    assertThat(s.achievedPercent()).isCloseTo(190.0 / 300 * 100, within(1e-9));
    // Both reached publishers were connected in seconds 1 and 2, the last arrival at 1.0 s.
    assertThat(s.endFrom()).isEqualTo(2);
    assertThat(s.endTo()).isEqualTo(3);
    assertThat(s.endRate()).containsExactly(5000.0, 1000.0);
    assertThat(s.endGap()).isEqualTo(4000.0);
    assertThat(s.bestGap()).isEqualTo(0.0); // two equal publishers on two brokers
  }

  @Test
  void the_best_gap_is_the_best_assignment_of_the_publishers_rates() {
    double[] paper = {10_000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000};
    assertThat(Summary.bestGap(paper, 2)).isEqualTo(0); // heavy + 2 light against 7 light
    assertThat(Summary.bestGap(paper, 3)).isEqualTo(2000); // 10000 / 10000 / 8000
    assertThat(Summary.bestGap(new double[] {2000, 400, 400, 400, 400, 400}, 3)).isEqualTo(1200);
    assertThat(Summary.bestGap(new double[] {400, 100, 100, 100}, 2)).isEqualTo(100);
    assertThat(Summary.bestGap(new double[] {5, 5}, 3)).isEqualTo(5); // one broker stays empty
  }

  @Test
  void the_terminal_table_puts_strategies_side_by_side() {
    StrategyResult r =
        new StrategyResult(
            "dns-rr",
            "t",
            1,
            List.of("h:1"),
            "none",
            List.of(),
            List.of(new BrokerSecond(0, 0, 10, null, null, 0)),
            List.of(10L),
            0,
            1,
            List.of());

    String table = SummaryTable.render(List.of(Summary.of(r)));

    assertThat(table.lines().findFirst()).get().asString().startsWith("metric").endsWith("dns-rr");
    assertThat(table).contains("mean msg/s broker 1 (h:1)", "CPU gap (mean, points)", "n/a");
  }

  @Test
  void cpu_per_message_is_the_data_path_cpu_time_over_the_messages_the_brokers_received() {
    // Brokers 3 s and HAProxy 1 s of CPU for 2,000,000 messages: 2 µs each, a quarter HAProxy's.
    StrategyResult haproxy = withCpu("haproxy", new CpuUse(3.0, 1.0, null), 1_500_000, 500_000);
    // The dispatcher's own CPU is off the data path: not in its CPU per message.
    StrategyResult dispatcher = withCpu("dispatcher", new CpuUse(3.0, null, 0.5), 1_000_000, 0);
    StrategyResult unknown = withCpu("dns-rr", CpuUse.UNKNOWN, 1_000_000, 0);

    List<Summary> summaries =
        List.of(dispatcher, haproxy, unknown).stream().map(Summary::of).toList();

    assertThat(summaries.get(1).cpuPerMessageMicros()).isCloseTo(2.0, within(1e-9));
    assertThat(summaries.get(0).cpuPerMessageMicros()).isCloseTo(3.0, within(1e-9));
    assertThat(summaries.get(0).dispatcherCpuSeconds()).isEqualTo(0.5);
    assertThat(summaries.get(2).cpuPerMessageMicros()).isNull();
    List<List<String>> rows = SummaryTable.rows(summaries);
    assertThat(rows)
        .contains(
            List.of("CPU per message", "3.00 µs", "2.00 µs (balancer 25 %)", "n/a"),
            List.of("dispatcher CPU over the run s", "0.50", "-", "-"));
  }

  private static StrategyResult withCpu(String strategy, CpuUse cpu, long first, long second) {
    return new StrategyResult(
        strategy,
        "t",
        1,
        List.of("h:1", "h:2"),
        "none",
        List.of(),
        List.of(
            new BrokerSecond(0, 0, first, null, null, 0),
            new BrokerSecond(0, 1, second, null, null, 0)),
        List.of(first, second),
        0,
        1,
        List.of(),
        cpu);
  }
}

package io.mqttdispatcher.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.run.PublisherResult;
import io.mqttdispatcher.loadgen.run.RunOptions;
import io.mqttdispatcher.loadgen.run.Strategy;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import io.mqttdispatcher.loadgen.scenario.Presets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantTableTest {
  private static RunOptions options(List<String> tenants) {
    return new RunOptions(
        Presets.smoke(),
        List.of(Strategy.DISPATCHER),
        HostPort.parse("127.0.0.1:1883"),
        List.of(HostPort.parse("h:1"), HostPort.parse("h:2")),
        1,
        null,
        Path.of("out"),
        null,
        List.of(),
        Duration.ZERO,
        Duration.ZERO,
        tenants);
  }

  @Test
  void tenants_are_given_in_turn_by_arrival_position() {
    RunOptions o = options(List.of("t1-", "t2-"));
    assertThat(List.of(o.tenantOf(1), o.tenantOf(2), o.tenantOf(3), o.tenantOf(4)))
        .containsExactly("t1-", "t2-", "t1-", "t2-");
    assertThat(options(List.of()).tenantOf(3)).isEmpty();
    assertThatThrownBy(() -> options(List.of("a b"))).hasMessageContaining("--tenants");
    assertThatThrownBy(() -> options(List.of("t1-", "t1-"))).hasMessageContaining("twice");
  }

  @Test
  void each_tenants_publishers_are_counted_on_the_broker_they_reached() {
    List<PublisherResult> publishers =
        List.of(
            new PublisherResult("p-1", "a", 1, 100, 100, 100, 0, 0, "h:1", 1, 2.0, 0.5, null),
            new PublisherResult("p-2", "a", 2, 100, 90, 90, 0, 0, "h:2", 1, 2.0, 0.5, null),
            new PublisherResult("p-3", "a", 3, 100, 80, 80, 0, 0, "h:1", 1, 2.0, 0.5, null),
            new PublisherResult("p-4", "a", 4, 100, 0, 0, 0, 0, null, 0, -1, -1, "refused"));
    StrategyResult r =
        new StrategyResult(
            "dispatcher",
            "t",
            1,
            List.of("h:1", "h:2"),
            "test",
            publishers,
            List.of(),
            List.of(0L, 0L),
            0,
            1,
            List.of());

    String table = TenantTable.render(options(List.of("t1-", "t2-")), List.of(r));

    assertThat(table.lines())
        .anySatisfy(l -> assertThat(l).matches("t1-\\s+2 \\(180\\)\\s+-\\s+0"));
    assertThat(table.lines()).anySatisfy(l -> assertThat(l).matches("t2-\\s+-\\s+1 \\(90\\)\\s+1"));
    assertThat(TenantTable.render(options(List.of()), List.of(r))).isEmpty();
  }
}

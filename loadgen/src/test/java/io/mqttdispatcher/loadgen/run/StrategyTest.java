package io.mqttdispatcher.loadgen.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.embedded.InstalledBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrategyTest {
  private static final InstalledBinary HAPROXY =
      new InstalledBinary("haproxy", "HAPROXY", "haproxy");

  @TempDir Path dir;

  @Test
  void all_is_the_three_strategies_in_order_and_both_stays_the_first_two() {
    assertThat(Strategy.parse("all"))
        .containsExactly(Strategy.DISPATCHER, Strategy.DNS_RR, Strategy.HAPROXY);
    assertThat(Strategy.parse("both")).containsExactly(Strategy.DISPATCHER, Strategy.DNS_RR);
    assertThat(Strategy.parse(" HAProxy ")).containsExactly(Strategy.HAPROXY);
    assertThatThrownBy(() -> Strategy.parse("nginx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--strategy must be dispatcher, dns-rr, haproxy, both or all, got 'nginx'");
  }

  @Test
  void without_the_haproxy_binary_its_strategy_is_skipped_with_a_reason_and_the_others_run() {
    List<String> skipped = new ArrayList<>();

    List<Strategy> runnable =
        Strategy.runnable(
            Strategy.parse("all"), HAPROXY, Map.of("PATH", dir.toString()), skipped::add);

    assertThat(runnable).containsExactly(Strategy.DISPATCHER, Strategy.DNS_RR);
    assertThat(skipped)
        .containsExactly(
            "strategy haproxy skipped: the haproxy binary is not installed; install it"
                + " (apt-get install -y haproxy) and put it on the PATH, or name it with"
                + " HAPROXY=/path/to/haproxy");
  }

  @Test
  void with_the_binary_every_strategy_runs() throws IOException {
    Path haproxy = Files.writeString(dir.resolve("haproxy"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(haproxy, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> skipped = new ArrayList<>();

    assertThat(
            Strategy.runnable(
                Strategy.parse("all"), HAPROXY, Map.of("PATH", dir.toString()), skipped::add))
        .containsExactly(Strategy.DISPATCHER, Strategy.DNS_RR, Strategy.HAPROXY);
    assertThat(skipped).isEmpty();
  }

  @Test
  void only_haproxy_asked_for_without_the_binary_is_an_error() {
    assertThatThrownBy(
            () -> Strategy.runnable(List.of(Strategy.HAPROXY), HAPROXY, Map.of(), s -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no strategy can run on this machine: haproxy");
  }
}

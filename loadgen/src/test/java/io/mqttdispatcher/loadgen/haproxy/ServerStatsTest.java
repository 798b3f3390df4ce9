package io.mqttdispatcher.loadgen.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ServerStatsTest {

  /**
   * HAProxy 2.6's own {@code show stat} answer, in front of two Mosquitto brokers: three devices
   * connected, then broker-1 killed (its health check not yet failed) and two more connected, each
   * of them tried on broker-1 first and redispatched to broker-2.
   */
  private static String showStat() throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            ServerStatsTest.class.getResourceAsStream("/haproxy/show-stat-2.6.csv"))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void reads_sessions_arrivals_and_dead_connects_per_server_leaving_out_the_summary_rows()
      throws IOException {
    List<ServerStats> servers = ServerStats.parse(showStat(), "mqtt");

    assertThat(servers)
        .containsExactly(
            new ServerStats("broker-1", 0, 5, 5, "UP"), new ServerStats("broker-2", 3, 5, 0, "UP"));
  }

  @Test
  void rows_of_another_proxy_are_not_counted() throws IOException {
    assertThat(ServerStats.parse(showStat(), "other")).isEmpty();
  }

  @Test
  void an_answer_that_is_not_the_stat_csv_is_an_error_that_quotes_it() {
    assertThatThrownBy(() -> ServerStats.parse("Unknown command: 'show stats'\n", "mqtt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown command");
    assertThatThrownBy(() -> ServerStats.parse("# pxname,svname,scur\nmqtt,broker-1,0\n", "mqtt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'show stat' has no column stot");
  }
}

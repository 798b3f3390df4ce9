package io.mqttdispatcher.loadgen.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.cli.HostPort;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyConfigTest {
  private static final HaproxyConfig CONFIG =
      new HaproxyConfig(
          new HostPort("127.0.0.1", 4000),
          List.of(new HostPort("127.0.0.1", 5001), new HostPort("127.0.0.1", 5002)),
          Path.of("/tmp/x/stats.sock"));

  @Test
  void devices_are_balanced_by_least_connections_over_every_broker_in_tcp_mode() {
    String text = CONFIG.render();

    assertThat(text)
        .contains(
            "  mode tcp\n",
            "listen mqtt\n  bind 127.0.0.1:4000\n  balance leastconn\n",
            "  server broker-1 127.0.0.1:5001\n",
            "  server broker-2 127.0.0.1:5002\n",
            "  stats socket /tmp/x/stats.sock mode 600 level user\n");
  }

  @Test
  void a_dead_broker_is_out_within_about_a_second_and_refused_connects_go_elsewhere() {
    String text = CONFIG.render();

    assertThat(text)
        .contains("  default-server check inter 500ms fall 2 rise 1\n")
        .contains("  retries 2\n  option redispatch 1\n");
    assertThat(HaproxyConfig.CHECK_INTERVAL_MILLIS * HaproxyConfig.CHECK_FALL)
        .isLessThanOrEqualTo(1000);
  }

  @Test
  void idle_devices_are_never_cut_before_their_keep_alive() {
    // The longest MQTT keep-alive is 65535 s (18.2 h).
    assertThat(CONFIG.render()).contains("  timeout client 24h\n", "  timeout server 24h\n");
  }

  @Test
  void servers_are_named_after_the_brokers_position() {
    assertThat(HaproxyConfig.serverName(0)).isEqualTo("broker-1");
    assertThatThrownBy(
            () -> new HaproxyConfig(new HostPort("127.0.0.1", 4000), List.of(), Path.of("s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one broker");
  }
}

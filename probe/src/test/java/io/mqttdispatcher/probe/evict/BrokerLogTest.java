package io.mqttdispatcher.probe.evict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lines as Mosquitto 2.0 publishes them on $SYS/broker/log/N with log_dest topic. */
class BrokerLogTest {
  private final KnownClients known = new KnownClients(100);
  private final BrokerLog log = new BrokerLog(known);

  @Test
  void connects_and_disconnects_are_followed() {
    assertThat(log.line("1795664340: New connection from 127.0.0.1:52656 on port 18833."))
        .isFalse();
    assertThat(
            log.line(
                "1795664340: New client connected from 127.0.0.1:52656 as dev-1 (p5, c1, k60)."))
        .isTrue();
    assertThat(
            log.line(
                "1795664340: New client connected from 127.0.0.1:52657 as meter (7) (p5, c0, k60, u'bob')."))
        .isTrue();
    assertThat(
            log.line(
                "1795664341: New client connected from 127.0.0.1:52658 as dev-2 (p2, c1, k60)."))
        .isTrue();

    assertThat(known.size()).isEqualTo(3);
    assertThat(known.withSession(10)).containsExactly("meter (7)");

    assertThat(log.line("1795664342: Client dev-2 disconnected.")).isTrue();
    assertThat(log.line("1795664342: Client meter (7) closed its connection.")).isTrue();
    assertThat(known.size()).isEqualTo(1);
    assertThat(known.takeMovable(false)).isEqualTo("dev-1");
  }

  @Test
  void a_session_the_dispatchers_reported_survives_a_clean_start_log_line() {
    known.connected("dev-9", true); // the dispatcher saw Session Expiry > 0
    log.line("1: New client connected from 127.0.0.1:1 as dev-9 (p5, c1, k60).");

    assertThat(known.takeMovable(false)).isNull();
    assertThat(known.takeMovable(true)).isEqualTo("dev-9");
  }

  @Test
  void known_clients_are_bounded_and_skip_the_probes_own_ids() {
    KnownClients small = new KnownClients(3);
    for (int i = 0; i < 10; i++) {
      small.connected("d" + i, false);
    }
    small.connected("dprobe-s0123", false);

    assertThat(small.size()).isEqualTo(3);
    assertThat(small.takeMovable(false)).isEqualTo("d7");
  }
}

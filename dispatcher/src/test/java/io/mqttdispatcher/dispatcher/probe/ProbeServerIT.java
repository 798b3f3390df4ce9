package io.mqttdispatcher.dispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.ErrorCode;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every rule of the probe side, against a real dispatcher over TCP. */
class ProbeServerIT {
  private Dispatcher dispatcher;

  private Dispatcher start(List<String> allow, Duration staleAfter) throws Exception {
    dispatcher =
        Dispatcher.start(TestDispatchers.options(allow, staleAfter, Duration.ofSeconds(5), 65536));
    return dispatcher;
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private boolean usable() {
    return !dispatcher.registry().snapshot().usable(Transport.MQTT, System.nanoTime()).isEmpty();
  }

  @Test
  void wrong_mac_is_refused_and_registers_nothing() throws Exception {
    start(List.of(), Duration.ofSeconds(3));
    try (TestProbe probe = TestProbe.connect(dispatcher.probePort())) {
      ProbeMessage answer = probe.hello("a", "wrong-secret".getBytes(StandardCharsets.UTF_8));

      assertThat(answer)
          .isEqualTo(new ProbeMessage.Error(ErrorCode.AUTH_FAILED, "authentication failed"));
      assertThat(probe.closedByPeer()).isTrue();
    }
    assertThat(dispatcher.registry().snapshot().brokers()).isEmpty();
  }

  @Test
  void report_before_hello_is_refused() throws Exception {
    start(List.of(), Duration.ofSeconds(3));
    try (TestProbe probe = TestProbe.connect(dispatcher.probePort())) {
      assertThat(probe.read()).isInstanceOf(ProbeMessage.Challenge.class);
      probe.report(0.1, "127.0.0.1:1883");

      assertThat(probe.read())
          .isEqualTo(new ProbeMessage.Error(ErrorCode.BAD_MESSAGE, "expected a hello first"));
      assertThat(probe.closedByPeer()).isTrue();
    }
    assertThat(dispatcher.registry().snapshot().brokers()).isEmpty();
  }

  @Test
  void malformed_line_closes_that_probe_only() throws Exception {
    start(List.of(), Duration.ofSeconds(3));
    try (TestProbe good =
            TestProbe.authenticated(dispatcher.probePort(), "good", TestDispatchers.SECRET);
        TestProbe bad =
            TestProbe.authenticated(dispatcher.probePort(), "bad", TestDispatchers.SECRET)) {
      good.report(0.5, "127.0.0.1:11883");
      bad.report(0.1, "127.0.0.1:21883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> dispatcher.registry().snapshot().brokers().size() == 2);

      bad.sendRaw("{\"type\":\"report\",\"cpu\":\n");

      assertThat(bad.read()).isInstanceOf(ProbeMessage.Error.class);
      assertThat(bad.closedByPeer()).isTrue();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> dispatcher.registry().snapshot().brokers().size() == 1);
      assertThat(dispatcher.registry().snapshot().brokers().get(0).id()).isEqualTo("good");
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }

  @Test
  void oversized_line_closes_the_connection() throws Exception {
    start(List.of(), Duration.ofSeconds(3));
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.sendRaw("x".repeat(ProbeMessage.MAX_LINE_BYTES + 10));

      assertThat(probe.read()).isInstanceOf(ProbeMessage.Error.class);
      assertThat(probe.closedByPeer()).isTrue();
    }
  }

  @Test
  void stale_broker_is_not_used_and_fresh_reports_bring_it_back() throws Exception {
    start(List.of(), Duration.ofMillis(400));
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.1, "127.0.0.1:11883");
      await().atMost(Duration.ofSeconds(5)).until(this::usable);
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");

      // no report for longer than --stale-after
      await().atMost(Duration.ofSeconds(5)).until(() -> !usable());
      assertThat(TestDevice.ask(dispatcher.devicePort()).getReasonCode())
          .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);

      probe.report(0.1, "127.0.0.1:11883");
      await().atMost(Duration.ofSeconds(5)).until(this::usable);
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }

  @Test
  void probe_disconnect_removes_the_broker_at_once() throws Exception {
    start(List.of(), Duration.ofSeconds(30));
    TestProbe probe = TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET);
    probe.report(0.1, "127.0.0.1:11883");
    await().atMost(Duration.ofSeconds(5)).until(this::usable);

    probe.close();

    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> dispatcher.registry().snapshot().brokers().isEmpty());
    assertThat(TestDevice.ask(dispatcher.devicePort()).getReasonCode())
        .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
  }

  @Test
  void endpoint_outside_the_allowlist_is_refused() throws Exception {
    start(
        List.of("127.0.0.0/8"),
        Duration.ofSeconds(30)); // long: only the refusal is under test, not staleness
    try (TestProbe evil =
            TestProbe.authenticated(dispatcher.probePort(), "evil", TestDispatchers.SECRET);
        TestProbe ok =
            TestProbe.authenticated(dispatcher.probePort(), "ok", TestDispatchers.SECRET)) {
      evil.report(0.0, "203.0.113.7:1883");
      ok.report(0.9, "127.0.0.1:11883");

      ProbeMessage answer = evil.read();
      assertThat(answer).isInstanceOf(ProbeMessage.Error.class);
      assertThat(((ProbeMessage.Error) answer).reason())
          .contains("203.0.113.7:1883")
          .contains("--allow");
      assertThat(evil.closedByPeer()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(this::usable);
      for (int i = 0; i < 5; i++) {
        assertThat(TestDevice.serverReference(dispatcher.devicePort()))
            .isEqualTo("127.0.0.1:11883");
      }
      assertThat(dispatcher.registry().snapshot().brokers())
          .extracting(b -> b.id())
          .containsExactly("ok");
    }
  }

  @Test
  void new_hello_for_the_same_broker_replaces_the_old_connection() throws Exception {
    start(List.of(), Duration.ofSeconds(30));
    try (TestProbe first =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      first.report(0.1, "127.0.0.1:11883");
      await().atMost(Duration.ofSeconds(5)).until(this::usable);

      try (TestProbe second =
          TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
        assertThat(first.read()).isInstanceOf(ProbeMessage.Error.class);
        assertThat(first.closedByPeer()).isTrue();
        second.report(0.2, "127.0.0.1:12883");

        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    "127.0.0.1:12883".equals(TestDevice.serverReference(dispatcher.devicePort())));
        assertThat(dispatcher.registry().snapshot().brokers()).hasSize(1);
      }
    }
  }

  @Test
  void unknown_fields_and_transports_are_ignored() throws Exception {
    start(List.of(), Duration.ofSeconds(3));
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.sendRaw(
          "{\"type\":\"report\",\"ts\":1,\"cpu\":0.2,\"mem\":0.3,\"healthy\":true,\"zone\":\"eu\","
              + "\"endpoints\":{\"mqtt\":\"127.0.0.1:11883\",\"quic\":\"127.0.0.1:14567\"}}\n");

      await().atMost(Duration.ofSeconds(5)).until(this::usable);
      assertThat(dispatcher.registry().snapshot().brokers().get(0).endpoints())
          .isEqualTo(Map.of(Transport.MQTT, "127.0.0.1:11883"));
    }
  }
}

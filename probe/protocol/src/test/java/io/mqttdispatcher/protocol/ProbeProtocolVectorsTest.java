package io.mqttdispatcher.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the codec and authentication against the shared vectors in
 * docs/probe-protocol-vectors.json.
 */
class ProbeProtocolVectorsTest {
  private static final Path VECTORS = Path.of("..", "..", "docs", "probe-protocol-vectors.json");

  static JsonNode vectors() throws IOException {
    return new ObjectMapper().readTree(VECTORS.toFile());
  }

  static Stream<JsonNode> auth() throws IOException {
    return StreamSupport.stream(vectors().get("auth").spliterator(), false);
  }

  static Stream<JsonNode> valid() throws IOException {
    return StreamSupport.stream(vectors().get("valid").spliterator(), false);
  }

  static Stream<JsonNode> invalid() throws IOException {
    return StreamSupport.stream(vectors().get("invalid").spliterator(), false);
  }

  @ParameterizedTest
  @MethodSource("auth")
  void mac_matches_vector(JsonNode v) {
    byte[] secret = v.get("secret").asText().getBytes(StandardCharsets.UTF_8);
    String nonce = v.get("nonce").asText();

    assertThat(ProbeAuth.mac(secret, nonce)).isEqualTo(v.get("mac").asText());
    assertThat(ProbeAuth.verify(secret, nonce, v.get("mac").asText())).isTrue();
    assertThat(
            ProbeAuth.verify(
                "wrong".getBytes(StandardCharsets.UTF_8), nonce, v.get("mac").asText()))
        .isFalse();
    assertThat(
            ProbeAuth.verify(
                secret, nonce, v.get("mac").asText().toUpperCase(java.util.Locale.ROOT)))
        .isFalse();
  }

  @ParameterizedTest
  @MethodSource("valid")
  void valid_line_decodes_and_encodes_back(JsonNode v) throws Exception {
    ProbeMessage m = ProbeCodec.decode(v.get("line").asText());

    assertThat(ProbeCodec.encode(m)).isNotBlank();
    assertThat(ProbeCodec.decode(ProbeCodec.encode(m))).isEqualTo(m);
    String type = v.get("type").asText();
    switch (type) {
      case "report" -> {
        ProbeMessage.Report r = (ProbeMessage.Report) m;
        assertThat(r.cpu()).isEqualTo(v.get("cpu").asDouble());
        assertThat(r.mem()).isEqualTo(v.get("mem").asDouble());
        assertThat(r.healthy()).isEqualTo(v.get("healthy").asBoolean());
        assertThat(r.capacity()).isEqualTo(v.get("capacity").asDouble());
        if (v.has("connections")) {
          assertThat(r.connections()).hasValue(v.get("connections").asLong());
        } else {
          assertThat(r.connections()).isEmpty();
        }
        v.get("endpoints")
            .fields()
            .forEachRemaining(
                e ->
                    assertThat(r.endpoints().get(Transport.fromWireName(e.getKey()).orElseThrow()))
                        .isEqualTo(e.getValue().asText()));
        assertThat(r.endpoints()).hasSize(v.get("endpoints").size());
        assertThat(r.group().name()).isEqualTo(v.get("group").asText());
        assertThat(r.group().cluster()).isEqualTo(v.get("cluster").asBoolean());
        if (v.has("draining")) {
          assertThat(r.state()).isNotNull();
          assertThat(r.state().draining()).isEqualTo(v.get("draining").asBoolean());
          if (v.has("planState")) {
            assertThat(r.state().plan().state().wireName()).isEqualTo(v.get("planState").asText());
            assertThat(r.state().plan().evicted()).isEqualTo(v.get("evicted").asLong());
            assertThat(r.state().plan().moved())
                .hasSize(v.has("moved") ? v.get("moved").size() : 0);
            if (v.has("moved")) {
              assertThat(r.state().plan().moved().get(0)).isEqualTo(v.get("moved").get(0).asText());
            }
          } else {
            assertThat(r.state().plan()).isNull();
          }
        } else {
          assertThat(r.state()).as("a v1 report carries no probe state").isNull();
        }
      }
      case "hello" -> {
        ProbeMessage.Hello h = (ProbeMessage.Hello) m;
        assertThat(h.broker()).isEqualTo(v.get("broker").asText());
        assertThat(h.version()).isEqualTo(v.path("version").asInt(1));
      }
      case "challenge" ->
          assertThat(((ProbeMessage.Challenge) m).maxVersion())
              .isEqualTo(v.path("maxVersion").asInt(1));
      case "command" -> {
        ProbeMessage.Command c = (ProbeMessage.Command) m;
        assertThat(c.op().wireName()).isEqualTo(v.get("op").asText());
        if (v.has("max")) {
          assertThat(c.plan().maxDevices()).isEqualTo(v.get("max").asLong());
          assertThat(c.plan().holdMillis()).isEqualTo(v.get("hold").asLong());
          assertThat(c.plan().newestFirst()).isEqualTo(v.get("newestFirst").asBoolean());
          assertThat(c.plan().skip()).hasSize(v.get("skip").asInt());
        } else if (c.plan() != null) {
          assertThat(c.plan().maxDevices()).as("no limit unless the line says so").isZero();
          assertThat(c.plan().newestFirst()).isFalse();
        }
      }
      case "ack" -> assertThat(((ProbeMessage.Ack) m).ok()).isEqualTo(v.get("ok").asBoolean());
      case "clients" -> {
        ProbeMessage.Clients c = (ProbeMessage.Clients) m;
        assertThat(c.ids()).hasSize(v.get("ids").asInt());
        assertThat(c.sessions()).hasSize(v.get("sessions").asInt());
      }
      case "welcome" -> assertThat(m).isInstanceOf(ProbeMessage.Welcome.class);
      case "error" ->
          assertThat(((ProbeMessage.Error) m).code().wireName()).isEqualTo(v.get("code").asText());
      default -> throw new AssertionError("vector of unknown type " + type);
    }
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalid_line_is_refused_with_a_specific_reason(JsonNode v) {
    assertThatThrownBy(() -> ProbeCodec.decode(v.get("line").asText()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(v.get("error").asText());
  }

  @Test
  void v1_challenge_and_hello_keep_their_v1_bytes() throws Exception {
    assertThat(ProbeCodec.encode(new ProbeMessage.Challenge("n")))
        .isEqualTo("{\"type\":\"challenge\",\"v\":1,\"nonce\":\"n\"}");
    assertThat(ProbeCodec.encode(new ProbeMessage.Hello("b", "00")))
        .isEqualTo("{\"type\":\"hello\",\"v\":1,\"broker\":\"b\",\"mac\":\"00\"}");
  }

  @Test
  void clients_lines_keep_their_bytes_and_escape_what_json_must() throws Exception {
    assertThat(
            ProbeCodec.encode(
                new ProbeMessage.Clients(List.of("sensor-1", "sensor-2"), List.of("meter-7"))))
        .isEqualTo(
            "{\"type\":\"clients\",\"ids\":[\"sensor-1\",\"sensor-2\"],\"sessions\":[\"meter-7\"]}");
    assertThat(ProbeCodec.encode(new ProbeMessage.Clients(List.of("a"), List.of())))
        .isEqualTo("{\"type\":\"clients\",\"ids\":[\"a\"]}");
    ProbeMessage.Clients odd =
        new ProbeMessage.Clients(
            List.of("q\"uote", "back\\slash", "tab\tand\u0001"), List.of("ü-€"));

    assertThat(ProbeCodec.decode(ProbeCodec.encode(odd))).isEqualTo(odd);
  }

  @Test
  void state_survives_a_round_trip() throws Exception {
    EvictionPlan plan =
        new EvictionPlan(
            "r-2",
            PlanKind.REBALANCE,
            250,
            1000,
            true,
            10,
            1.2,
            java.util.List.of("a"),
            java.util.List.of("b", "c"));
    ProbeState state =
        new ProbeState(
            true, new PlanStatus(PlanState.WAITING, plan, 0, 0, java.util.List.of(), ""));
    ProbeMessage.Ack ack = new ProbeMessage.Ack("c-7", true, "", state);

    assertThat(ProbeCodec.decode(ProbeCodec.encode(ack))).isEqualTo(ack);
    assertThat(state.refusesNewDevices()).isTrue();
    assertThat(
            new ProbeState(
                    false, new PlanStatus(PlanState.DONE, plan, 5, 0, java.util.List.of(), "done"))
                .refusesNewDevices())
        .as("a finished plan no longer keeps devices away")
        .isFalse();
  }

  @Test
  void report_without_group_is_in_the_default_group_and_encodes_it() throws Exception {
    ProbeMessage.Report r =
        (ProbeMessage.Report)
            ProbeCodec.decode(
                "{\"type\":\"report\",\"ts\":1,\"cpu\":0,\"mem\":0,\"healthy\":true,\"endpoints\":{\"mqtt\":\"b:1\"}}");

    assertThat(r.group()).isEqualTo(BrokerGroup.DEFAULT);
    assertThat(ProbeCodec.encode(r)).contains("\"group\":\"default\"", "\"cluster\":false");
  }

  @Test
  void group_names_outside_the_alphabet_are_refused() {
    assertThatThrownBy(() -> new BrokerGroup("a/b", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BrokerGroup("x".repeat(65), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new BrokerGroup("eu-west_1.a", true).cluster()).isTrue();
  }

  @Test
  void nonce_is_base64_of_32_bytes_and_fresh() {
    String a = ProbeAuth.newNonce();
    assertThat(java.util.Base64.getDecoder().decode(a)).hasSize(32);
    assertThat(ProbeAuth.newNonce()).isNotEqualTo(a);
  }
}

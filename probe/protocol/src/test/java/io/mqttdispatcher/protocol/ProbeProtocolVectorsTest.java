package io.mqttdispatcher.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the codec and authentication against the shared vectors in docs/probe-protocol-vectors.json. */
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
    assertThat(ProbeAuth.verify("wrong".getBytes(StandardCharsets.UTF_8), nonce, v.get("mac").asText())).isFalse();
    assertThat(ProbeAuth.verify(secret, nonce, v.get("mac").asText().toUpperCase())).isFalse();
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
        v.get("endpoints").fields().forEachRemaining(e ->
            assertThat(r.endpoints().get(Transport.fromWireName(e.getKey()).orElseThrow())).isEqualTo(e.getValue().asText()));
        assertThat(r.endpoints()).hasSize(v.get("endpoints").size());
      }
      case "hello" -> assertThat(((ProbeMessage.Hello) m).broker()).isEqualTo(v.get("broker").asText());
      case "challenge" -> assertThat(m).isInstanceOf(ProbeMessage.Challenge.class);
      case "welcome" -> assertThat(m).isInstanceOf(ProbeMessage.Welcome.class);
      case "error" -> assertThat(m).isInstanceOf(ProbeMessage.Error.class);
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
  void nonce_is_base64_of_32_bytes_and_fresh() {
    String a = ProbeAuth.newNonce();
    assertThat(java.util.Base64.getDecoder().decode(a)).hasSize(32);
    assertThat(ProbeAuth.newNonce()).isNotEqualTo(a);
  }
}

package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe's lines against the shared protocol v1 test vectors (docs/probe-protocol-vectors.json).
 */
class ProbeLinesTest {
  private static JsonNode vectors;

  @BeforeAll
  static void readVectors() throws IOException {
    vectors = new ObjectMapper().readTree(Path.of("../docs/probe-protocol-vectors.json").toFile());
  }

  @Test
  void hello_carries_the_mac_of_the_vectors() throws Exception {
    assertThat(vectors.get("auth")).isNotEmpty();
    for (JsonNode v : vectors.get("auth")) {
      byte[] secret = v.get("secret").asText().getBytes(StandardCharsets.UTF_8);
      ProbeMessage.Hello hello =
          ProbeLines.hello("broker-a", secret, new ProbeMessage.Challenge(v.get("nonce").asText()));
      assertThat(hello.mac()).isEqualTo(v.get("mac").asText());

      String line = ProbeLines.line(hello);
      assertThat(line).endsWith("\n").doesNotContain(v.get("secret").asText());
      assertThat(ProbeCodec.decode(line.strip())).isEqualTo(hello);
    }
  }

  @Test
  void hello_line_matches_the_vector_byte_for_byte() throws Exception {
    JsonNode auth = vectors.get("auth").get(0);
    ProbeMessage.Hello hello =
        ProbeLines.hello(
            "broker-a",
            auth.get("secret").asText().getBytes(StandardCharsets.UTF_8),
            new ProbeMessage.Challenge(auth.get("nonce").asText()));
    assertThat(ProbeLines.line(hello)).isEqualTo(validLine("hello") + "\n");
  }

  @Test
  void report_built_from_the_vector_fields_decodes_to_the_vector() throws Exception {
    for (JsonNode v : vectors.get("valid")) {
      if (!v.get("type").asText().equals("report")) {
        continue;
      }
      Map<Transport, String> endpoints = new EnumMap<>(Transport.class);
      v.get("endpoints")
          .fields()
          .forEachRemaining(
              e ->
                  endpoints.put(
                      Transport.fromWireName(e.getKey()).orElseThrow(), e.getValue().asText()));
      ProbeMessage.Report expected =
          (ProbeMessage.Report) ProbeCodec.decode(v.get("line").asText());
      ProbeMessage.Report ours =
          new ProbeMessage.Report(
              expected.ts(),
              v.get("cpu").asDouble(),
              v.get("mem").asDouble(),
              v.has("connections")
                  ? OptionalLong.of(v.get("connections").asLong())
                  : OptionalLong.empty(),
              v.has("msgRate")
                  ? OptionalDouble.of(v.get("msgRate").asDouble())
                  : OptionalDouble.empty(),
              v.get("healthy").asBoolean(),
              v.get("capacity").asDouble(),
              endpoints,
              expected.state(),
              new BrokerGroup(v.get("group").asText(), v.get("cluster").asBoolean()));

      String line = ProbeLines.line(ours);
      assertThat(line).endsWith("\n").doesNotContain("\n\n");
      assertThat(ProbeCodec.decode(line.substring(0, line.length() - 1))).isEqualTo(expected);
    }
  }

  private static String validLine(String type) {
    for (JsonNode v : vectors.get("valid")) {
      if (v.get("type").asText().equals(type)) {
        return v.get("line").asText();
      }
    }
    throw new AssertionError("no valid " + type + " vector");
  }
}

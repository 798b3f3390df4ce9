package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.devicekit.Endpoint.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerReferenceTest {

  @Test
  void reads_host_and_port() {
    assertThat(ServerReference.parse("10.0.0.5:1884"))
        .containsExactly(Endpoint.of("10.0.0.5", 1884));
    assertThat(ServerReference.parse("  broker-2.example:1884 "))
        .containsExactly(Endpoint.of("broker-2.example", 1884));
  }

  @Test
  void reads_an_ipv6_literal_in_brackets() {
    assertThat(ServerReference.parse("[::1]:1883")).containsExactly(Endpoint.of("::1", 1883));
    assertThat(ServerReference.parse("[fd00::5]:2883").get(0).toString())
        .isEqualTo("[fd00::5]:2883");
  }

  @Test
  void keeps_several_references_in_order() {
    assertThat(ServerReference.parse("a:1 [::1]:2  ws://c:3/mqtt"))
        .containsExactly(
            Endpoint.of("a", 1), Endpoint.of("::1", 2), new Endpoint(Kind.WS, "c", 3, "mqtt"));
  }

  @Test
  void reads_websocket_uris_with_path_and_default_ports() {
    assertThat(Endpoint.parse("ws://127.0.0.1:8083/mqtt"))
        .isEqualTo(new Endpoint(Kind.WS, "127.0.0.1", 8083, "mqtt"));
    assertThat(Endpoint.parse("wss://broker.example/mqtt?x=1"))
        .isEqualTo(new Endpoint(Kind.WSS, "broker.example", 443, "mqtt?x=1"));
    assertThat(Endpoint.parse("ws://[::1]")).isEqualTo(new Endpoint(Kind.WS, "::1", 80, ""));
    assertThat(Endpoint.parse("WSS://[::1]:9001/a/b").toString()).isEqualTo("wss://[::1]:9001/a/b");
  }

  @Test
  void a_reference_without_port_means_1883() {
    assertThat(ServerReference.parse("broker-2.example"))
        .containsExactly(Endpoint.of("broker-2.example", 1883));
    assertThat(ServerReference.parse("[::1]")).containsExactly(Endpoint.of("::1", 1883));
  }

  @Test
  void same_socket_ignores_how_the_endpoint_is_written() {
    assertThat(Endpoint.parse("ws://Broker:80/mqtt").sameSocket(Endpoint.parse("broker:80")))
        .isTrue();
    assertThat(Endpoint.parse("broker:80").sameSocket(Endpoint.parse("broker:81"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "host:port",
        "host:0",
        "host:70000",
        "::1:1883",
        "[::1",
        "[::1]x",
        "mqtt://host:1883",
        "ws://:80/x",
        ":1883"
      })
  void refuses_a_broken_reference_with_a_specific_message(String reference) {
    assertThatThrownBy(() -> ServerReference.parse(reference))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(reference.substring(0, Math.min(reference.length(), 4)));
  }

  @Test
  void refuses_an_empty_reference() {
    assertThatThrownBy(() -> ServerReference.parse("  ")).hasMessageContaining("empty");
  }
}

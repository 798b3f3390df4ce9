package io.mqttdispatcher.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.protocol.Transport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  @Test
  void every_kind_is_parsed() {
    Map<Transport, String> e =
        Endpoints.parse(
            List.of(
                "mqtt=10.0.0.5:1883",
                "mqtts=10.0.0.5:8883",
                "ws=ws://10.0.0.5:8080/mqtt",
                "wss=wss://b.example:8443/mqtt"));
    assertThat(e)
        .containsEntry(Transport.MQTT, "10.0.0.5:1883")
        .containsEntry(Transport.MQTTS, "10.0.0.5:8883")
        .containsEntry(Transport.WS, "ws://10.0.0.5:8080/mqtt")
        .containsEntry(Transport.WSS, "wss://b.example:8443/mqtt");
  }

  @Test
  void mqtt_endpoint_is_required() {
    assertThatThrownBy(() -> Endpoints.parse(List.of("mqtts=h:8883")))
        .hasMessageContaining("--endpoint mqtt=HOST:PORT is required");
  }

  @Test
  void bad_values_are_named_in_the_message() {
    assertThatThrownBy(() -> Endpoints.parse(List.of("mqtt")))
        .hasMessageContaining("is not KIND=ADDRESS");
    assertThatThrownBy(() -> Endpoints.parse(List.of("tcp=h:1")))
        .hasMessageContaining("unknown kind 'tcp'");
    assertThatThrownBy(() -> Endpoints.parse(List.of("mqtt=h"))).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> Endpoints.parse(List.of("mqtt=h:1", "ws=wss://h:1/mqtt")))
        .hasMessageContaining("ws://host:port/path");
    assertThatThrownBy(() -> Endpoints.parse(List.of("mqtt=h:1", "mqtt=h:2")))
        .hasMessageContaining("more than once");
  }
}

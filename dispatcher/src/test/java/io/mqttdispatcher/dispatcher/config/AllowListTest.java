package io.mqttdispatcher.dispatcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.protocol.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowListTest {
  @Test
  void empty_list_allows_everything() {
    AllowList allow = AllowList.of(List.of());
    assertThat(allow.allowsAll()).isTrue();
    assertThat(allow.allows(Transport.MQTT, "evil.example:1883")).isTrue();
  }

  @Test
  void cidr_and_host_entries() {
    AllowList allow =
        AllowList.of(List.of("10.1.0.0/16", "broker-a.internal", "127.0.0.1", "fd00::/8"));

    assertThat(allow.allows(Transport.MQTT, "10.1.200.3:1883")).isTrue();
    assertThat(allow.allows(Transport.MQTT, "10.2.0.1:1883")).isFalse();
    assertThat(allow.allows(Transport.MQTT, "BROKER-A.internal:1883")).isTrue();
    assertThat(allow.allows(Transport.MQTT, "broker-b.internal:1883")).isFalse();
    assertThat(allow.allows(Transport.MQTT, "127.0.0.1:1883")).isTrue();
    assertThat(allow.allows(Transport.MQTT, "127.0.0.2:1883")).isFalse();
    assertThat(allow.allows(Transport.MQTTS, "[fd12::1]:8883")).isTrue();
    assertThat(allow.allows(Transport.WS, "ws://10.1.0.9:8080/mqtt")).isTrue();
    assertThat(allow.allows(Transport.WS, "ws://evil:8080/mqtt")).isFalse();
    assertThat(allow.allows(Transport.MQTT, "no-port")).isFalse();
  }

  @Test
  void a_name_is_not_resolved_to_match_a_cidr() {
    AllowList allow = AllowList.of(List.of("127.0.0.0/8"));
    assertThat(allow.allows(Transport.MQTT, "localhost:1883")).isFalse();
  }

  @Test
  void bad_entries_are_named_in_the_error() {
    assertThatThrownBy(() -> AllowList.of(List.of("10.0.0.0/33")))
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> AllowList.of(List.of("host/8"))).hasMessageContaining("host/8");
    assertThatThrownBy(() -> AllowList.of(List.of("127.0.0.1:1884")))
        .hasMessageContaining("without a port")
        .hasMessageContaining("--allow 127.0.0.1");
    assertThatThrownBy(() -> AllowList.of(List.of("broker-a.example.net:1883")))
        .hasMessageContaining("without a port");
    assertThat(AllowList.of(List.of("fd00::1")).allows(Transport.MQTT, "[fd00::1]:1883")).isTrue();
  }
}

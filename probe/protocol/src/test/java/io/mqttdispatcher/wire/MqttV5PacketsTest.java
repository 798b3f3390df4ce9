package io.mqttdispatcher.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MqttV5PacketsTest {

  @Test
  void connect_is_a_v5_clean_start_connect() {
    byte[] packet = MqttV5Packets.connect("ab", 60);

    assertThat(packet)
        .containsExactly(
            0x10, 15, // CONNECT, remaining length
            0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
            0x05, // protocol level 5
            0x02, // flags: Clean Start
            0x00, 0x3C, // keep alive 60 s
            0x00, // no properties
            0x00, 0x02, 'a', 'b'); // client identifier
  }

  @Test
  void connect_without_keep_alive_for_a_23_character_id() {
    byte[] packet = MqttV5Packets.connect("dprobe-0123456789abcdef", 0);

    assertThat(packet).hasSize(2 + 36);
    assertThat(packet[1]).isEqualTo((byte) 36); // 11 variable header + 2 + 23 client id
    assertThat(packet[10]).isZero(); // keep alive high byte
    assertThat(packet[11]).isZero(); // keep alive low byte
  }

  @Test
  void long_client_id_takes_a_two_byte_remaining_length() {
    byte[] packet = MqttV5Packets.connect("x".repeat(200), 0);

    // 11 + 2 + 200 = 213 = 0xD5: low seven bits 0x55 with the continuation bit, then 1
    assertThat(packet[1]).isEqualTo((byte) 0xD5);
    assertThat(packet[2]).isEqualTo((byte) 0x01);
    assertThat(packet).hasSize(3 + 213);
  }

  @Test
  void keep_alive_out_of_range_is_refused() {
    assertThatThrownBy(() -> MqttV5Packets.connect("a", 65_536)).hasMessageContaining("keep alive");
  }

  @Test
  void disconnect_is_normal_disconnection() {
    assertThat(MqttV5Packets.disconnect()).containsExactly(0xE0, 0x00);
  }
}

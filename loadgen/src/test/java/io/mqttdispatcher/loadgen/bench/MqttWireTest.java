package io.mqttdispatcher.loadgen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import org.junit.jupiter.api.Test;

class MqttWireTest {

  @Test
  void connect_is_a_v5_clean_start_connect() {
    byte[] packet = MqttWire.connect("ab");

    assertThat(packet).containsExactly(
        0x10, 15, // CONNECT, remaining length
        0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
        0x05, // protocol level 5
        0x02, // flags: Clean Start
        0x00, 0x3C, // keep alive 60 s
        0x00, // no properties
        0x00, 0x02, 'a', 'b'); // client identifier
  }

  @Test
  void reads_reason_code_and_server_reference_after_other_properties() throws Exception {
    byte[] connack = {
        0x20, 20, // CONNACK, remaining length
        0x00, // flags
        (byte) 0x9C, // Use another server
        17, // properties length
        0x1F, 0x00, 0x02, 'h', 'i', // Reason String "hi"
        0x1C, 0x00, 0x09, '1', '.', '2', '.', '3', '.', '4', ':', '5'}; // Server Reference "1.2.3.4:5"

    MqttWire.ConnAck ack = MqttWire.readConnAck(new ByteArrayInputStream(connack));

    assertThat(ack.reasonCode()).isEqualTo(0x9C);
    assertThat(ack.serverReference()).isEqualTo("1.2.3.4:5");
  }

  @Test
  void reads_a_success_without_properties() throws Exception {
    MqttWire.ConnAck ack = MqttWire.readConnAck(new ByteArrayInputStream(new byte[] {0x20, 0x03, 0x00, 0x00, 0x00}));

    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.serverReference()).isNull();
  }

  @Test
  void refuses_a_closed_connection_and_another_packet() {
    assertThatThrownBy(() -> MqttWire.readConnAck(new ByteArrayInputStream(new byte[0]))).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> MqttWire.readConnAck(new ByteArrayInputStream(new byte[] {0x30, 0x00})))
        .hasMessageContaining("expected CONNACK");
  }

  @Test
  void describes_reason_codes() {
    assertThat(MqttWire.describe(0x9C)).isEqualTo("0x9C Use another server");
    assertThat(MqttWire.describe(0x42)).isEqualTo("0x42");
  }
}

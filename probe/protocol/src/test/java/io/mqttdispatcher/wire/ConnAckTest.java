package io.mqttdispatcher.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnAckTest {
  private static final byte[] REDIRECT = {
    0x20,
    20, // CONNACK, remaining length
    0x00, // acknowledge flags
    (byte) 0x9C, // Use another server
    17, // properties length
    0x1F,
    0x00,
    0x02,
    'h',
    'i', // Reason String "hi"
    0x1C,
    0x00,
    0x09,
    '1',
    '.',
    '2',
    '.',
    '3',
    '.',
    '4',
    ':',
    '5'
  }; // Server Reference "1.2.3.4:5"

  @Test
  void read_finds_server_reference_after_other_properties() throws Exception {
    ConnAck ack = ConnAck.read(new ByteArrayInputStream(REDIRECT));

    assertThat(ack.reasonCode()).isEqualTo(ReasonCodes.USE_ANOTHER_SERVER);
    assertThat(ack.serverReference()).isEqualTo("1.2.3.4:5");
  }

  @Test
  void parse_needs_every_byte_and_then_reads_the_same() throws Exception {
    for (int n = 0; n < REDIRECT.length; n++) {
      assertThat(ConnAck.parse(Arrays.copyOf(REDIRECT, 64), n)).as("after %d bytes", n).isNull();
    }
    assertThat(ConnAck.parse(Arrays.copyOf(REDIRECT, 64), REDIRECT.length))
        .isEqualTo(new ConnAck(0x9C, "1.2.3.4:5"));
  }

  @Test
  void success_without_properties() throws Exception {
    byte[] success = {0x20, 0x03, 0x00, 0x00, 0x00}; // flags, Success, properties length 0

    assertThat(ConnAck.read(new ByteArrayInputStream(success))).isEqualTo(new ConnAck(0, null));
    assertThat(parse(0x20, 0x03, 0x00, 0x00, 0x00)).isEqualTo(new ConnAck(0, null));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x86, 0x87, 0x88, 0x89, 0x8C})
  void reason_code_is_the_second_body_byte(int reason) throws Exception {
    assertThat(parse(0x20, 0x03, 0x00, reason, 0x00).reasonCode()).isEqualTo(reason);
  }

  @Test
  void mqtt3_connack_has_no_properties() throws Exception {
    assertThat(parse(0x20, 0x02, 0x00, 0x03)).isEqualTo(new ConnAck(3, null));
  }

  @Test
  void unknown_property_stops_the_walk_without_failing() throws Exception {
    assertThat(parse(0x20, 0x05, 0x00, 0x9C, 0x02, 0x7E, 0x00)).isEqualTo(new ConnAck(0x9C, null));
  }

  @Test
  void another_packet_is_refused() {
    assertThatThrownBy(() -> parse('H', 'T', 'T', 'P'))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("expected CONNACK, got packet type 0x48");
    assertThatThrownBy(() -> ConnAck.read(new ByteArrayInputStream(new byte[] {0x30, 0x00})))
        .hasMessageContaining("expected CONNACK");
  }

  @Test
  void remaining_length_out_of_range_is_refused() {
    assertThatThrownBy(() -> parse(0x20, 0x01, 0x00)).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> parse(0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0x01))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void server_reference_past_the_packet_is_refused() {
    // properties length 5, Server Reference claims 9 bytes but the packet ends after 2
    assertThatThrownBy(() -> parse(0x20, 0x08, 0x00, 0x9C, 0x05, 0x1C, 0x00, 0x09, 'a', 'b'))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void closed_connection_is_an_eof() {
    assertThatThrownBy(() -> ConnAck.read(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> ConnAck.read(new ByteArrayInputStream(new byte[] {0x20, 0x03, 0x00})))
        .isInstanceOf(EOFException.class);
  }

  private static @Nullable ConnAck parse(int... values) throws MalformedPacketException {
    byte[] b = new byte[64];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ConnAck.parse(b, values.length);
  }
}

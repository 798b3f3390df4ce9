package io.mqttdispatcher.probe.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnAckVerdictTest {
  @Test
  void connect_is_mqtt5_clean_start_without_keep_alive() {
    byte[] b = ConnAckVerdict.connect("dprobe-0123456789abcdef");
    byte[] expectedHead = {
      0x10, // CONNECT
      36, // remaining length: 11 variable header + 2 + 23 client id
      0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
      0x05, // version 5
      0x02, // Clean Start
      0x00, 0x00, // keep alive 0
      0x00, // no properties
      0x00, 23 // client id length
    };
    assertThat(Arrays.copyOf(b, expectedHead.length)).containsExactly(expectedHead);
    assertThat(b).hasSize(2 + 36);
    assertThat(new String(b, expectedHead.length, 23, StandardCharsets.US_ASCII)).isEqualTo("dprobe-0123456789abcdef");
  }

  @Test
  void success_connack_means_healthy() {
    // CONNACK, remaining length 3, no session present, reason Success, no properties
    assertThat(read(0x20, 0x03, 0x00, 0x00, 0x00)).isTrue();
  }

  @Test
  void connack_with_long_properties_is_read_from_its_first_bytes() {
    // remaining length 200 written as two bytes (0xC8 0x01); only the header and reason are needed
    assertThat(read(0x20, 0xC8, 0x01, 0x00, 0x00)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x88, 0x89})
  void server_unavailable_or_busy_means_unhealthy(int reason) {
    assertThat(read(0x20, 0x03, 0x00, reason, 0x00)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x86, 0x87, 0x8C})
  void credential_refusals_still_prove_the_broker_answers(int reason) {
    assertThat(read(0x20, 0x03, 0x00, reason, 0x00)).isTrue();
  }

  @Test
  void partial_connack_needs_more_bytes() {
    assertThat(ConnAckVerdict.read(new byte[16], 0)).isNull();
    assertThat(read(0x20)).isNull();
    assertThat(read(0x20, 0x03, 0x00)).isNull();
  }

  @Test
  void something_other_than_connack_is_not_a_broker() {
    assertThat(read('H', 'T', 'T', 'P')).isFalse();
  }

  /** Reads {@code values} as the first bytes received, in a larger buffer as the check does. */
  private static Boolean read(int... values) {
    byte[] b = new byte[16];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ConnAckVerdict.read(b, values.length);
  }
}

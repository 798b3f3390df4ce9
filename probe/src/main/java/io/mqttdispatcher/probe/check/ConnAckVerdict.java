package io.mqttdispatcher.probe.check;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The CONNECT a liveness check sends and how it reads the answer. The CONNECT is MQTT v5 with Clean
 * Start, no keep alive, no properties and a random 23-character client id (the length every broker
 * must accept), so the check leaves no session behind.
 */
final class ConnAckVerdict {
  /** CONNACK reason codes that mean the broker is up but will not take clients. */
  private static final int SERVER_UNAVAILABLE = 0x88;
  private static final int SERVER_BUSY = 0x89;
  /** DISCONNECT, reason Normal disconnection, so the broker does not log an unexpected close. */
  static final byte[] DISCONNECT = {(byte) 0xE0, 0x00};

  private ConnAckVerdict() {}

  /** The CONNECT packet for {@code clientId} (1 to 100 ASCII characters). */
  static byte[] connect(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    b.write(0x10); // CONNECT
    b.write(11 + 2 + id.length); // remaining length, below 128 so one byte
    b.write(0x00);
    b.write(0x04);
    b.writeBytes("MQTT".getBytes(StandardCharsets.US_ASCII)); // protocol name
    b.write(5); // protocol version 5
    b.write(0x02); // flags: Clean Start only
    b.write(0x00);
    b.write(0x00); // keep alive: none, the connection lives for one round trip
    b.write(0x00); // properties: none
    b.write(id.length >> 8);
    b.write(id.length & 0xFF);
    b.writeBytes(id); // payload: client identifier
    return b.toByteArray();
  }

  /**
   * Whether the first {@code length} bytes received show a broker that accepts clients: true or
   * false once a CONNACK header and reason code have arrived, null while more bytes are needed. Any
   * CONNACK counts as an answer except Server unavailable and Server busy; a refusal for
   * credentials still proves the broker works. A first byte that is not CONNACK means something
   * else listens there.
   */
  static @Nullable Boolean read(byte[] received, int length) {
    if (length == 0) {
      return null;
    }
    if ((received[0] & 0xF0) != 0x20) {
      return false;
    }
    int pos = 1;
    int remaining = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos >= length) {
        return null;
      }
      int digit = received[pos++] & 0xFF;
      remaining |= (digit & 0x7F) << shift;
      if ((digit & 0x80) == 0) {
        break;
      }
      if (shift >= 21) {
        return false; // malformed remaining length
      }
    }
    if (remaining < 2) {
      return false;
    }
    if (length < pos + 2) {
      return null;
    }
    int reason = received[pos + 1] & 0xFF; // after the acknowledge flags
    return reason != SERVER_UNAVAILABLE && reason != SERVER_BUSY;
  }
}

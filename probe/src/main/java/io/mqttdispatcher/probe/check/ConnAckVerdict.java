package io.mqttdispatcher.probe.check;

import io.vertx.core.buffer.Buffer;
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

  private ConnAckVerdict() {}

  /** The CONNECT packet for {@code clientId} (1 to 127 ASCII characters). */
  static Buffer connect(String clientId) {
    byte[] id = clientId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Buffer b = Buffer.buffer(64);
    b.appendByte((byte) 0x10); // CONNECT
    b.appendByte((byte) (11 + 2 + id.length)); // remaining length, below 128 so one byte
    b.appendUnsignedShort(4).appendString("MQTT"); // protocol name
    b.appendByte((byte) 5); // protocol version 5
    b.appendByte((byte) 0x02); // flags: Clean Start only
    b.appendUnsignedShort(0); // keep alive: none, the connection lives for one round trip
    b.appendByte((byte) 0); // properties: none
    b.appendUnsignedShort(id.length).appendBytes(id); // payload: client identifier
    return b;
  }

  /** DISCONNECT, reason Normal disconnection, so the broker does not log an unexpected close. */
  static Buffer disconnect() {
    return Buffer.buffer(new byte[] {(byte) 0xE0, 0x00});
  }

  /**
   * Whether the bytes received so far show a broker that accepts clients: true or false once a
   * CONNACK header and reason code have arrived, null while more bytes are needed. Any CONNACK
   * counts as an answer except Server unavailable and Server busy; a refusal for credentials still
   * proves the broker works. A first byte that is not CONNACK means something else listens there.
   */
  static @Nullable Boolean read(Buffer received) {
    if (received.length() == 0) {
      return null;
    }
    if ((received.getUnsignedByte(0) & 0xF0) != 0x20) {
      return false;
    }
    int pos = 1;
    int remaining = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos >= received.length()) {
        return null;
      }
      int digit = received.getUnsignedByte(pos++);
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
    if (received.length() < pos + 2) {
      return null;
    }
    int reason = received.getUnsignedByte(pos + 1); // after the acknowledge flags
    return reason != SERVER_UNAVAILABLE && reason != SERVER_BUSY;
  }
}

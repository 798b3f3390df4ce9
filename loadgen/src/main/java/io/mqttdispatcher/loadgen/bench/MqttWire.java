package io.mqttdispatcher.loadgen.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The few MQTT v5 packets the benchmark exchanges, on blocking sockets. A full client would spend
 * more CPU on this machine than the dispatcher under test, so the benchmark writes the bytes itself.
 */
final class MqttWire {
  /** DISCONNECT, reason Normal disconnection. */
  static final byte[] DISCONNECT = {(byte) 0xE0, 0x00};

  private static final int CONNACK = 0x20;
  private static final int SERVER_REFERENCE = 0x1C;
  private static final int REASON_STRING = 0x1F;
  private static final int MAX_CONNACK_BYTES = 64 * 1024;

  private MqttWire() {}

  /** CONNECT v5, Clean Start, keep alive 60 s, no properties. */
  static byte[] connect(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    int remaining = 10 + 1 + 2 + id.length;
    byte[] length = varInt(remaining);
    byte[] packet = new byte[1 + length.length + remaining];
    int i = 0;
    packet[i++] = 0x10;
    System.arraycopy(length, 0, packet, i, length.length);
    i += length.length;
    byte[] header = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x00};
    System.arraycopy(header, 0, packet, i, header.length);
    i += header.length;
    packet[i++] = (byte) (id.length >> 8);
    packet[i++] = (byte) id.length;
    System.arraycopy(id, 0, packet, i, id.length);
    return packet;
  }

  /**
   * A CONNACK's reason code and Server Reference.
   *
   * @param reasonCode 0x00 success, 0x9C use another server, ...
   * @param serverReference the Server Reference property, or null
   */
  record ConnAck(int reasonCode, @Nullable String serverReference) {}

  /** Reads one CONNACK; throws when the peer sends something else or closes first. */
  static ConnAck readConnAck(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed before CONNACK");
    }
    if ((type & 0xF0) != CONNACK) {
      throw new IOException(String.format("expected CONNACK, got packet type 0x%02X", type));
    }
    int remaining = readVarInt(in);
    if (remaining < 2 || remaining > MAX_CONNACK_BYTES) {
      throw new IOException("CONNACK remaining length " + remaining + " is out of range");
    }
    byte[] body = in.readNBytes(remaining);
    if (body.length < remaining) {
      throw new EOFException("CONNACK truncated");
    }
    int code = body[1] & 0xFF;
    return new ConnAck(code, remaining > 2 ? serverReference(body) : null);
  }

  /** Walks the CONNACK properties; stops at a property it does not know (the benchmark needs only 0x1C). */
  private static @Nullable String serverReference(byte[] body) {
    int[] pos = {2};
    int end = Math.min(body.length, readVarInt(body, pos) + pos[0]);
    while (pos[0] < end) {
      int id = body[pos[0]++] & 0xFF;
      switch (id) {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> pos[0] += 1;
        case 0x13, 0x21, 0x22, 0x23 -> pos[0] += 2;
        case 0x02, 0x11, 0x18, 0x27 -> pos[0] += 4;
        case 0x0B -> readVarInt(body, pos);
        case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, REASON_STRING -> pos[0] += 2 + u16(body, pos[0]);
        case 0x26 -> {
          pos[0] += 2 + u16(body, pos[0]);
          pos[0] += 2 + u16(body, pos[0]);
        }
        case SERVER_REFERENCE -> {
          int len = u16(body, pos[0]);
          return new String(body, pos[0] + 2, len, StandardCharsets.UTF_8);
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  static byte[] varInt(int value) {
    byte[] out = new byte[4];
    int n = 0;
    int v = value;
    do {
      int digit = v % 128;
      v /= 128;
      out[n++] = (byte) (v > 0 ? digit | 0x80 : digit);
    } while (v > 0);
    return java.util.Arrays.copyOf(out, n);
  }

  private static int readVarInt(InputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside a packet length");
      }
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed packet length");
  }

  private static int readVarInt(byte[] b, int[] pos) {
    int value = 0;
    for (int shift = 0; shift < 28 && pos[0] < b.length; shift += 7) {
      int digit = b[pos[0]++] & 0xFF;
      value |= (digit & 0x7F) << shift;
      if ((digit & 0x80) == 0) {
        break;
      }
    }
    return value;
  }

  /** The reason code as {@code 0x9C Use another server}. */
  static String describe(int code) {
    String name = switch (code) {
      case 0x00 -> "Success";
      case 0x80 -> "Unspecified error";
      case 0x81 -> "Malformed packet";
      case 0x84 -> "Unsupported protocol version";
      case 0x87 -> "Not authorized";
      case 0x88 -> "Server unavailable";
      case 0x89 -> "Server busy";
      case 0x95 -> "Packet too large";
      case 0x97 -> "Quota exceeded";
      case 0x9C -> "Use another server";
      case 0x9D -> "Server moved";
      case 0x9F -> "Connection rate exceeded";
      default -> "";
    };
    return String.format("0x%02X%s", code, name.isEmpty() ? "" : " " + name);
  }
}

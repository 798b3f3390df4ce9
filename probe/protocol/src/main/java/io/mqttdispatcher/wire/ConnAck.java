package io.mqttdispatcher.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A CONNACK as read from the wire: its reason code and, when present, its Server Reference
 * property. Read from a blocking stream with {@link #read}, or from the bytes received so far with
 * {@link #parse}.
 *
 * @param reasonCode 0x00 Success, 0x9C Use another server, ... (see {@link ReasonCodes})
 * @param serverReference the Server Reference property (0x1C), or null
 */
public record ConnAck(int reasonCode, @Nullable String serverReference) {
  /** Longest CONNACK accepted; a real one is far smaller. */
  public static final int MAX_REMAINING_LENGTH = 64 * 1024;

  private static final int CONNACK = 0x20;
  private static final int SERVER_REFERENCE = 0x1C;

  /**
   * The CONNACK in the first {@code length} bytes of {@code received}, or null while more bytes are
   * needed.
   *
   * @throws MalformedPacketException when the bytes are another packet or a malformed CONNACK
   */
  public static @Nullable ConnAck parse(byte[] received, int length)
      throws MalformedPacketException {
    if (length == 0) {
      return null;
    }
    checkType(received[0]);
    long header = VariableByteInteger.decode(received, 1, length);
    if (header == VariableByteInteger.INCOMPLETE) {
      return null;
    }
    int remaining = remainingLength(header);
    int bodyStart = 1 + (int) (header & 0xFF);
    if (length - bodyStart < remaining) {
      return null;
    }
    return body(received, bodyStart, remaining);
  }

  /**
   * Reads one CONNACK from a blocking stream; throws when the peer sends something else or closes
   * first.
   */
  public static ConnAck read(InputStream in) throws IOException {
    byte[] header = new byte[1 + VariableByteInteger.MAX_BYTES];
    int length = 0;
    long decoded = VariableByteInteger.INCOMPLETE;
    while (decoded == VariableByteInteger.INCOMPLETE) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(
            length == 0
                ? "connection closed before CONNACK"
                : "connection closed inside a CONNACK");
      }
      header[length++] = (byte) b;
      if (length == 1) {
        checkType(header[0]);
      } else {
        decoded = VariableByteInteger.decode(header, 1, length);
      }
    }
    int remaining = remainingLength(decoded);
    byte[] body = in.readNBytes(remaining);
    if (body.length < remaining) {
      throw new EOFException("connection closed inside a CONNACK");
    }
    return body(body, 0, remaining);
  }

  private static void checkType(byte first) throws MalformedPacketException {
    if ((first & 0xF0) != CONNACK) {
      throw new MalformedPacketException(
          String.format(Locale.ROOT, "expected CONNACK, got packet type 0x%02X", first & 0xFF));
    }
  }

  private static int remainingLength(long header) throws MalformedPacketException {
    long remaining = header >>> 8;
    if (remaining < 2 || remaining > MAX_REMAINING_LENGTH) {
      throw new MalformedPacketException(
          "CONNACK remaining length " + remaining + " is out of range");
    }
    return (int) remaining;
  }

  /** Acknowledge flags, reason code, then (v5, when present) the properties. */
  private static ConnAck body(byte[] b, int start, int length) throws MalformedPacketException {
    int reason = b[start + 1] & 0xFF;
    if (length == 2) {
      return new ConnAck(reason, null);
    }
    try {
      return new ConnAck(reason, serverReference(b, start + 2, start + length));
    } catch (IndexOutOfBoundsException e) {
      throw new MalformedPacketException("CONNACK properties run past the packet");
    }
  }

  /**
   * Walks the properties up to Server Reference; stops at a property identifier it does not know.
   */
  private static @Nullable String serverReference(byte[] b, int from, int end)
      throws MalformedPacketException {
    long header = VariableByteInteger.decode(b, from, end);
    if (header == VariableByteInteger.INCOMPLETE) {
      throw new MalformedPacketException("CONNACK properties length runs past the packet");
    }
    int pos = from + (int) (header & 0xFF);
    int propertiesEnd = Math.min(end, pos + (int) (header >>> 8));
    while (pos < propertiesEnd) {
      int id = b[pos++] & 0xFF;
      switch (id) {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> pos += 1; // bytes
        case 0x13, 0x21, 0x22, 0x23 -> pos += 2; // two-byte integers
        case 0x02, 0x11, 0x18, 0x27 -> pos += 4; // four-byte integers
        case 0x0B -> {
          long v = VariableByteInteger.decode(b, pos, propertiesEnd);
          if (v == VariableByteInteger.INCOMPLETE) {
            throw new MalformedPacketException("CONNACK property 0x0B runs past the packet");
          }
          pos += (int) (v & 0xFF);
        }
        case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1F ->
            pos += 2 + u16(b, pos); // strings, binary data
        case 0x26 -> { // user property: a string pair
          pos += 2 + u16(b, pos);
          pos += 2 + u16(b, pos);
        }
        case SERVER_REFERENCE -> {
          int len = u16(b, pos);
          if (pos + 2 + len > propertiesEnd) {
            throw new MalformedPacketException("CONNACK Server Reference runs past the packet");
          }
          return new String(b, pos + 2, len, StandardCharsets.UTF_8);
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
}

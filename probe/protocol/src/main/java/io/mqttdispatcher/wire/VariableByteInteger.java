package io.mqttdispatcher.wire;

import java.util.Arrays;

/** MQTT's Variable Byte Integer: 7 bits per byte, low bits first, at most 4 bytes. */
final class VariableByteInteger {
  static final int MAX_BYTES = 4;

  /** What {@link #decode} returns while the bytes end inside the integer. */
  static final long INCOMPLETE = -1;

  private VariableByteInteger() {}

  static byte[] encode(int value) {
    if (value < 0 || value > 268_435_455) {
      throw new IllegalArgumentException("not a variable byte integer: " + value);
    }
    byte[] out = new byte[MAX_BYTES];
    int n = 0;
    int v = value;
    do {
      int digit = v % 128;
      v /= 128;
      out[n++] = (byte) (v > 0 ? digit | 0x80 : digit);
    } while (v > 0);
    return Arrays.copyOf(out, n);
  }

  /**
   * The integer starting at {@code from} in the first {@code length} bytes of {@code b}, packed as
   * {@code value << 8 | bytesUsed}; {@link #INCOMPLETE} when the bytes end inside it.
   */
  static long decode(byte[] b, int from, int length) throws MalformedPacketException {
    int value = 0;
    for (int n = 0; n < MAX_BYTES; n++) {
      if (from + n >= length) {
        return INCOMPLETE;
      }
      int digit = b[from + n] & 0xFF;
      value |= (digit & 0x7F) << (7 * n);
      if ((digit & 0x80) == 0) {
        return ((long) value << 8) | (n + 1);
      }
    }
    throw new MalformedPacketException("malformed variable byte integer (more than 4 bytes)");
  }
}

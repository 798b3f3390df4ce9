package io.mqttdispatcher.wire;

import java.nio.charset.StandardCharsets;

/** The client packets written by hand: a minimal MQTT v5 CONNECT and a DISCONNECT. */
public final class MqttV5Packets {
  /** Longest client id accepted here, so the remaining length fits the fixed layout below. */
  public static final int MAX_CLIENT_ID_BYTES = 65_535;

  private static final byte[] DISCONNECT = {(byte) 0xE0, 0x00};

  /** Protocol name "MQTT" with its length, then protocol level 5. */
  private static final byte[] PROTOCOL = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05};

  private static final int CLEAN_START = 0x02;

  private MqttV5Packets() {}

  /**
   * CONNECT v5 with Clean Start, no properties, no will and no credentials, so the connection
   * leaves no session behind.
   *
   * @param clientId the client identifier (its UTF-8 bytes at most {@link #MAX_CLIENT_ID_BYTES})
   * @param keepAliveSeconds 0 (none) to 65535
   */
  public static byte[] connect(String clientId, int keepAliveSeconds) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_CLIENT_ID_BYTES) {
      throw new IllegalArgumentException("client id longer than " + MAX_CLIENT_ID_BYTES + " bytes");
    }
    if (keepAliveSeconds < 0 || keepAliveSeconds > 0xFFFF) {
      throw new IllegalArgumentException(
          "keep alive must be 0 to 65535 s, was " + keepAliveSeconds);
    }
    // variable header: protocol name and level, flags, keep alive, properties length 0
    int remaining = PROTOCOL.length + 1 + 2 + 1 + 2 + id.length;
    byte[] length = VariableByteInteger.encode(remaining);
    byte[] packet = new byte[1 + length.length + remaining];
    int i = 0;
    packet[i++] = 0x10; // CONNECT
    System.arraycopy(length, 0, packet, i, length.length);
    i += length.length;
    System.arraycopy(PROTOCOL, 0, packet, i, PROTOCOL.length);
    i += PROTOCOL.length;
    packet[i++] = CLEAN_START;
    packet[i++] = (byte) (keepAliveSeconds >> 8);
    packet[i++] = (byte) keepAliveSeconds;
    packet[i++] = 0x00; // no properties
    packet[i++] = (byte) (id.length >> 8);
    packet[i++] = (byte) id.length;
    System.arraycopy(id, 0, packet, i, id.length);
    return packet;
  }

  /**
   * DISCONNECT with reason Normal disconnection, so the broker does not log an unexpected close.
   */
  public static byte[] disconnect() {
    return DISCONNECT.clone();
  }
}

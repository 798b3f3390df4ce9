package io.mqttdispatcher.wire;

import java.util.Locale;

/** The MQTT v5 CONNACK reason codes this project meets, and their names for people. */
public final class ReasonCodes {
  public static final int SUCCESS = 0x00;
  public static final int SERVER_UNAVAILABLE = 0x88;
  public static final int SERVER_BUSY = 0x89;
  public static final int USE_ANOTHER_SERVER = 0x9C;
  public static final int SERVER_MOVED = 0x9D;

  private ReasonCodes() {}

  /**
   * The code with its name, as {@code 0x9C Use another server}; only the number for a code not
   * listed.
   */
  public static String describe(int code) {
    String name =
        switch (code) {
          case SUCCESS -> "Success";
          case 0x80 -> "Unspecified error";
          case 0x81 -> "Malformed packet";
          case 0x84 -> "Unsupported protocol version";
          case 0x86 -> "Bad user name or password";
          case 0x87 -> "Not authorized";
          case SERVER_UNAVAILABLE -> "Server unavailable";
          case SERVER_BUSY -> "Server busy";
          case 0x8C -> "Bad authentication method";
          case 0x95 -> "Packet too large";
          case 0x97 -> "Quota exceeded";
          case USE_ANOTHER_SERVER -> "Use another server";
          case SERVER_MOVED -> "Server moved";
          case 0x9F -> "Connection rate exceeded";
          default -> "";
        };
    String number = String.format(Locale.ROOT, "0x%02X", code);
    return name.isEmpty() ? number : number + " " + name;
  }
}

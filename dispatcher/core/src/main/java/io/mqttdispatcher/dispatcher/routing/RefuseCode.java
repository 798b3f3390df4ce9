package io.mqttdispatcher.dispatcher.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The CONNACK reason code for a device no rule matches when the routing file has no default. */
public enum RefuseCode {
  /** 0x87 Not authorized: the device has no business here. */
  NOT_AUTHORIZED(0x87),
  /** 0x88 Server unavailable: as if no broker could take it. */
  SERVER_UNAVAILABLE(0x88);

  private final int code;

  RefuseCode(int code) {
    this.code = code;
  }

  /** The MQTT v5 CONNACK reason code. */
  public int code() {
    return code;
  }

  /** Spelling in the routing file: {@code not-authorized}, {@code server-unavailable}. */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the file spelling; the error lists the valid ones. */
  public static RefuseCode parse(String value) {
    for (RefuseCode c : values()) {
      if (c.fileName().equals(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not a refusal: use one of "
            + Arrays.stream(values()).map(RefuseCode::fileName).collect(Collectors.joining(", ")));
  }
}

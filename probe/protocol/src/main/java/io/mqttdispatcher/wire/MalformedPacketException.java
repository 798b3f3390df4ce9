package io.mqttdispatcher.wire;

import java.io.IOException;

/** The bytes received are not the MQTT packet expected, or not a well-formed one. */
public final class MalformedPacketException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedPacketException(String message) {
    super(message);
  }
}

package io.mqttdispatcher.protocol;

/** A probe protocol line that cannot be accepted; the message says what is wrong with it. */
public final class ProtocolException extends Exception {
  public ProtocolException(String message) {
    super(message);
  }
}

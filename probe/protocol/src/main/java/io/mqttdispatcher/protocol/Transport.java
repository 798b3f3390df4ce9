package io.mqttdispatcher.protocol;

import java.util.Locale;
import java.util.Optional;

/** A way devices reach a broker; each broker advertises one endpoint per transport it offers. */
public enum Transport {
  /** MQTT over TCP, endpoint {@code host:port}. */
  MQTT,
  /** MQTT over TLS, endpoint {@code host:port}. */
  MQTTS,
  /** MQTT over WebSocket, endpoint {@code ws://host:port/path}. */
  WS,
  /** MQTT over secure WebSocket, endpoint {@code wss://host:port/path}. */
  WSS;

  /**
   * The name used on the wire and on command lines: {@code mqtt}, {@code mqtts}, {@code ws}, {@code
   * wss}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport with this wire name, if there is one. */
  public static Optional<Transport> fromWireName(String name) {
    for (Transport t : values()) {
      if (t.wireName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}

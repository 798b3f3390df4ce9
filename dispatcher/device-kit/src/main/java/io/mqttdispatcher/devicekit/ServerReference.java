package io.mqttdispatcher.loadgen.connect;

import io.mqttdispatcher.cli.HostPort;

/**
 * Reads the Server Reference property of a redirecting CONNACK. MQTT 5 leaves its format open;
 * the dispatcher writes {@code host:port}. Several references separated by spaces are allowed by
 * convention: the first one is used. A reference without a port means the standard MQTT port.
 */
public final class ServerReference {
  /** The port a reference without one refers to. */
  public static final int DEFAULT_MQTT_PORT = 1883;

  private ServerReference() {}

  /**
   * The endpoint {@code reference} names.
   *
   * @throws IllegalArgumentException when it is empty or not {@code host[:port]}
   */
  public static HostPort parse(String reference) {
    String first = reference.trim().split("\\s+", 2)[0];
    if (first.isEmpty()) {
      throw new IllegalArgumentException("empty Server Reference");
    }
    boolean bracketedWithoutPort = first.startsWith("[") && first.endsWith("]");
    boolean hostOnly = !first.contains(":") || bracketedWithoutPort;
    if (hostOnly) {
      String host = bracketedWithoutPort ? first.substring(1, first.length() - 1) : first;
      return new HostPort(host, DEFAULT_MQTT_PORT);
    }
    return HostPort.parse(first);
  }
}

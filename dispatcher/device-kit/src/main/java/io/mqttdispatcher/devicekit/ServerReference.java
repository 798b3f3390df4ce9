package io.mqttdispatcher.devicekit;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Server Reference property of a redirecting CONNACK (0x9C Use another server, 0x9D
 * Server moved). MQTT 5 leaves its format open and allows several references separated by spaces,
 * to be tried in order; the dispatcher writes one {@code host:port}, or the broker's WebSocket URI
 * for a WebSocket device. Each reference is one {@link Endpoint}.
 */
public final class ServerReference {
  private ServerReference() {}

  /**
   * The endpoints {@code reference} names, in the order to try them.
   *
   * @throws IllegalArgumentException when it is empty or one of its references is not an endpoint
   */
  public static List<Endpoint> parse(String reference) {
    String trimmed = reference.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty Server Reference");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String one : trimmed.split("\\s+")) {
      endpoints.add(Endpoint.parse(one));
    }
    return List.copyOf(endpoints);
  }
}

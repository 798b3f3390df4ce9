package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.protocol.Transport;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Parses {@code --endpoint KIND=ADDRESS} values: {@code mqtt} and {@code mqtts} take {@code
 * host:port}, {@code ws} and {@code wss} take a URI of the same scheme. Each kind may be given
 * once.
 */
public final class Endpoints {
  private Endpoints() {}

  /** The endpoints {@code values} name, by transport; throws with a message a user can act on. */
  public static Map<Transport, String> parse(Collection<String> values) {
    Map<Transport, String> endpoints = new EnumMap<>(Transport.class);
    for (String value : values) {
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new IllegalArgumentException(
            "--endpoint '"
                + value
                + "' is not KIND=ADDRESS (e.g. mqtt=10.0.0.5:1883 or ws=ws://10.0.0.5:8080/mqtt)");
      }
      String kind = value.substring(0, eq).trim();
      String address = value.substring(eq + 1).trim();
      Transport transport =
          Transport.fromWireName(kind)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--endpoint '"
                              + value
                              + "': unknown kind '"
                              + kind
                              + "', use mqtt, mqtts, ws or wss"));
      if (endpoints.put(transport, check(transport, address, value)) != null) {
        throw new IllegalArgumentException("--endpoint " + kind + "= is given more than once");
      }
    }
    if (!endpoints.containsKey(Transport.MQTT)) {
      throw new IllegalArgumentException("an --endpoint mqtt=HOST:PORT is required");
    }
    return endpoints;
  }

  private static String check(Transport transport, String address, String value) {
    if (transport == Transport.MQTT || transport == Transport.MQTTS) {
      try {
        return HostPort.parse(address).toString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--endpoint " + value + ": " + e.getMessage());
      }
    }
    try {
      URI uri = new URI(address);
      if (!transport.wireName().equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "--endpoint '"
                + value
                + "': write a "
                + transport.wireName()
                + "://host:port/path URI");
      }
      return address;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--endpoint '" + value + "': " + e.getMessage());
    }
  }
}

package io.mqttdispatcher.devicekit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a device connects: {@code host:port}, {@code [ipv6]:port}, or a WebSocket URI ({@code
 * ws://host:port/path}, {@code wss://...}). A {@code host:port} endpoint keeps the device's own
 * transport (TCP, TLS, or WebSocket as configured); a WebSocket URI sets WebSocket, its path, and
 * TLS for {@code wss}.
 *
 * @param kind how the endpoint was written
 * @param host host name or IP literal, without brackets
 * @param port 1..65535
 * @param path WebSocket path without the leading slash, {@code ""} otherwise
 */
public record Endpoint(Kind kind, String host, int port, String path) {
  /** The port of {@code host} without one. */
  public static final int DEFAULT_MQTT_PORT = 1883;

  /** How an endpoint was written, and so which transport a device uses to reach it. */
  public enum Kind {
    /** {@code host:port}: the device's own transport settings. */
    HOST_PORT,
    /** {@code ws://}: MQTT over WebSocket, without TLS. */
    WS,
    /** {@code wss://}: MQTT over WebSocket over TLS. */
    WSS
  }

  public Endpoint {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /** A {@code host:port} endpoint. */
  public static Endpoint of(String host, int port) {
    return new Endpoint(Kind.HOST_PORT, host, port, "");
  }

  /**
   * Parses one endpoint: {@code host}, {@code host:port}, {@code [ipv6]}, {@code [ipv6]:port},
   * {@code ws://host[:port][/path]} or {@code wss://...}.
   *
   * @throws IllegalArgumentException with the accepted forms when {@code value} is none of them
   */
  public static Endpoint parse(String value) {
    String v = value.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty endpoint");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ws://") || lower.startsWith("wss://")) {
      return parseWebSocket(v, lower.startsWith("wss://"));
    }
    if (lower.contains("://")) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "': only ws:// and wss:// URIs are understood; write other endpoints as host:port");
    }
    return parseHostPort(v);
  }

  private static Endpoint parseHostPort(String v) {
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + v + "': missing ']' after the IPv6 address");
      }
      String host = v.substring(1, close);
      String rest = v.substring(close + 1);
      if (rest.isEmpty()) {
        return of(host, DEFAULT_MQTT_PORT);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("'" + v + "' is not [IPV6]:PORT (e.g. [::1]:1883)");
      }
      return of(host, port(v, rest.substring(1)));
    }
    int colon = v.indexOf(':');
    if (colon < 0) {
      return of(v, DEFAULT_MQTT_PORT);
    }
    if (v.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException(
          "'" + v + "': write an IPv6 address in brackets, e.g. [::1]:1883");
    }
    if (colon == 0) {
      throw new IllegalArgumentException("'" + v + "' is not HOST:PORT (e.g. 127.0.0.1:1883)");
    }
    return of(v.substring(0, colon), port(v, v.substring(colon + 1)));
  }

  private static Endpoint parseWebSocket(String v, boolean tls) {
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + v + "' is not a WebSocket URI: " + e.getMessage(), e);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("'" + v + "' names no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    return new Endpoint(
        tls ? Kind.WSS : Kind.WS, host, port, path.startsWith("/") ? path.substring(1) : path);
  }

  private static int port(String value, String digits) {
    int port;
    try {
      port = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "': port must be a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + value + "': port must be within 1..65535");
    }
    return port;
  }

  /** Whether both name the same socket (host and port), however they are written. */
  public boolean sameSocket(Endpoint other) {
    return port == other.port && host.equalsIgnoreCase(other.host);
  }

  /** {@code host:port} (IPv6 in brackets), whatever the kind. */
  public String hostPort() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** The endpoint as it is written in a Server Reference. */
  @Override
  public String toString() {
    return switch (kind) {
      case HOST_PORT -> hostPort();
      case WS -> "ws://" + hostPort() + "/" + path;
      case WSS -> "wss://" + hostPort() + "/" + path;
    };
  }
}

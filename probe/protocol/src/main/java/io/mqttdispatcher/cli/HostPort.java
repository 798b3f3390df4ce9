package io.mqttdispatcher.cli;

import java.util.Objects;
import picocli.CommandLine;

/**
 * A {@code host:port} address. IPv6 literals are written in brackets: {@code [::1]:1883}.
 *
 * @param host host name or IP literal, without brackets
 * @param port 0..65535 (0 means "any free port" where a listener is meant)
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /** Parses {@code host:port}; throws with the expected format when {@code value} is not one. */
  public static HostPort parse(String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:1883)");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + value + "': write an IPv6 address in brackets, e.g. [::1]:1883");
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "': port must be a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + value + "': port must be within 0..65535");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** picocli converter for {@link HostPort} options. */
  public static final class Converter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

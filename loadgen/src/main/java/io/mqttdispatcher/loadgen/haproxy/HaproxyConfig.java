package io.mqttdispatcher.loadgen.haproxy;

import io.mqttdispatcher.cli.HostPort;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The configuration the loadgen gives HAProxy: one TCP listener for devices, {@code balance
 * leastconn} over the brokers, and health checks short enough to take a dead broker out within a
 * second or two, as an operator would set it up for MQTT.
 *
 * @param listen where devices connect
 * @param brokers the brokers, named {@code broker-1..N} in this order
 * @param statsSocket the Unix socket the loadgen reads sessions per broker from
 */
public record HaproxyConfig(HostPort listen, List<HostPort> brokers, Path statsSocket) {
  /** A TCP connect to each broker every this many milliseconds. */
  static final int CHECK_INTERVAL_MILLIS = 500;

  /** Failed checks in a row that take a broker out: a dead broker is out within about a second. */
  static final int CHECK_FALL = 2;

  public HaproxyConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(statsSocket, "statsSocket");
    brokers = List.copyOf(brokers);
    if (brokers.isEmpty()) {
      throw new IllegalArgumentException("HAProxy needs at least one broker behind it");
    }
  }

  /** The server name of broker {@code index} (0-based) in the configuration and its statistics. */
  public static String serverName(int index) {
    return "broker-" + (index + 1);
  }

  /** The configuration file's text. */
  public String render() {
    StringBuilder c = new StringBuilder();
    c.append("# Written by the loadgen for its haproxy strategy.\n")
        .append("global\n")
        // No maxconn: HAProxy derives it from the file descriptor limit (one per device and one per
        // broker connection); Haproxy reads the value back and says when a fleet will not fit.
        .append("  stats socket ")
        .append(statsSocket)
        .append(" mode 600 level user\n")
        .append("defaults\n")
        .append("  mode tcp\n")
        .append("  timeout connect 1s\n")
        // Idle MQTT devices send a PINGREQ once per keep-alive (at most 65535 s): never cut them.
        .append("  timeout client 24h\n")
        .append("  timeout server 24h\n")
        // A connect refused by a broker the checks have not yet taken out is tried again on
        // another broker, so the device never sees it.
        .append("  retries 2\n")
        .append("  option redispatch 1\n")
        .append("listen mqtt\n")
        .append("  bind ")
        .append(listen)
        .append('\n')
        .append("  balance leastconn\n")
        .append("  default-server check inter ")
        .append(CHECK_INTERVAL_MILLIS)
        .append("ms fall ")
        .append(CHECK_FALL)
        .append(" rise 1\n");
    for (int i = 0; i < brokers.size(); i++) {
      c.append("  server ").append(serverName(i)).append(' ').append(brokers.get(i)).append('\n');
    }
    return c.toString();
  }
}

package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The broker endpoints the dispatcher may send devices to: host names (matched exactly, case
 * insensitive) and IP networks in CIDR form. An empty list allows every endpoint.
 */
public final class AllowList {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOST_WITH_PORT =
      Pattern.compile("[^:/\\[\\]]+:\\d+|\\[[^\\]]+\\]:\\d+");

  private final List<String> hosts = new ArrayList<>();
  private final List<Cidr> networks = new ArrayList<>();
  private final List<String> written;

  private AllowList(List<String> entries) {
    this.written = List.copyOf(entries);
    for (String entry : entries) {
      if (HOST_WITH_PORT.matcher(entry).matches()) {
        throw new IllegalArgumentException(
            "--allow '"
                + entry
                + "': give a host name or network without a port, e.g. --allow "
                + entry.substring(0, entry.lastIndexOf(':')));
      }
      if (entry.contains("/") || isIpLiteral(entry)) {
        networks.add(Cidr.parse(entry));
      } else if (!entry.isBlank()) {
        hosts.add(entry.toLowerCase(Locale.ROOT));
      } else {
        throw new IllegalArgumentException("--allow needs a host name or CIDR, got an empty value");
      }
    }
  }

  /** Parses the {@code --allow} values; throws with the bad entry named. */
  public static AllowList of(List<String> entries) {
    return new AllowList(entries);
  }

  /** Whether this list allows everything (no {@code --allow} was given). */
  public boolean allowsAll() {
    return written.isEmpty();
  }

  /** Whether devices may be sent to {@code endpoint} of kind {@code transport}. */
  public boolean allows(Transport transport, String endpoint) {
    if (allowsAll()) {
      return true;
    }
    return hostOf(transport, endpoint).map(this::allowsHost).orElse(false);
  }

  private boolean allowsHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (hosts.contains(h)) {
      return true;
    }
    if (!isIpLiteral(h)) {
      return false; // names are never resolved here: DNS answers must not widen the list
    }
    byte[] address = literal(h);
    for (Cidr n : networks) {
      if (n.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The host part of an endpoint as advertised by a probe. */
  static Optional<String> hostOf(Transport transport, String endpoint) {
    if (transport == Transport.WS || transport == Transport.WSS) {
      try {
        String host = new URI(endpoint).getHost();
        if (host == null) {
          return Optional.empty();
        }
        return Optional.of(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return Optional.of(host);
  }

  private static boolean isIpLiteral(String s) {
    return IPV4.matcher(s).matches() || s.contains(":");
  }

  private static byte[] literal(String ip) {
    try {
      // Only literals reach here, so no lookup happens.
      return InetAddress.getByName(ip).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + ip + "' is not an IP address");
    }
  }

  @Override
  public String toString() {
    return allowsAll() ? "any endpoint" : String.join(", ", written);
  }

  /** An IP network. */
  private record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      String[] parts = text.split("/", -1);
      if (parts.length > 2 || !isIpLiteral(parts[0])) {
        throw new IllegalArgumentException(
            "--allow '" + text + "' is neither a host name nor a CIDR like 10.0.0.0/8");
      }
      byte[] address = literal(parts[0]);
      int prefix = address.length * 8;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--allow '" + text + "': prefix length must be a number");
        }
        if (prefix < 0 || prefix > address.length * 8) {
          throw new IllegalArgumentException("--allow '" + text + "': prefix length out of range");
        }
      }
      return new Cidr(address, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}

package io.mqttdispatcher.dispatcher.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP network, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a network of one.
 */
public record Cidr(byte[] network, int prefix, String text) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static Cidr parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length > 2 || !(IPV4.matcher(parts[0]).matches() || parts[0].contains(":"))) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a network like 10.0.0.0/8 or 2001:db8::/32");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(parts[0]).getAddress(); // a literal: no name lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + parts[0] + "' is not an IP address");
    }
    int prefix = address.length * 8;
    if (parts.length == 2) {
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "': the prefix length must be a number");
      }
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException(
            "'" + text + "': prefix length out of range 0.." + address.length * 8);
      }
    }
    return new Cidr(address, prefix, text);
  }

  /** Whether {@code address} is inside this network (IPv4 and IPv6 never match each other). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}

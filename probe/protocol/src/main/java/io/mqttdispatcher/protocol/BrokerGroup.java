package io.mqttdispatcher.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The group a broker belongs to, as its probe advertises it. Routing rules send a device to a
 * group; the balancing policy picks a broker inside it.
 *
 * @param name 1 to 64 characters of letters, digits, {@code .}, {@code _} and {@code -}
 * @param cluster whether the group's brokers share sessions (a clustered broker), so a device may
 *     move between them without losing its session; false for independent brokers
 */
public record BrokerGroup(String name, boolean cluster) {
  // Before DEFAULT: static fields initialise in order, and DEFAULT's constructor uses it.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The group of a probe that names none: {@code default}, independent brokers. */
  public static final BrokerGroup DEFAULT = new BrokerGroup("default", false);

  public BrokerGroup {
    Objects.requireNonNull(name, "name");
    if (!validName(name)) {
      throw new IllegalArgumentException(
          "a group name is 1 to 64 letters, digits, '.', '_' or '-', was '" + name + "'");
    }
  }

  /** Whether {@code name} may name a group. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }
}

package io.mqttdispatcher.dispatcher.routing;

import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The {@code match} of one rule: every condition given must hold (an absent one always holds); a
 * list inside a condition holds when any of its entries does. No condition at all matches every
 * device.
 *
 * @param clientId test on the client identifier, or null
 * @param username test on the user name, or null (a CONNECT without a user name never passes it)
 * @param transports the listeners the device may have come in on; empty for any
 * @param sources the networks the device's address may be in; empty for any
 * @param userProperties per user property name, a test one of the CONNECT's values of that name
 *     must pass
 */
public record Conditions(
    @Nullable TextMatch clientId,
    @Nullable TextMatch username,
    Set<Transport> transports,
    List<Cidr> sources,
    Map<String, TextMatch> userProperties) {

  /** Matches every device. */
  public static final Conditions ANY = new Conditions(null, null, Set.of(), List.of(), Map.of());

  public Conditions {
    transports = transports.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(transports));
    sources = List.copyOf(sources);
    userProperties = Collections.unmodifiableMap(new LinkedHashMap<>(userProperties));
  }

  /** Whether {@code device} passes every condition. */
  public boolean test(ConnectFacts device) {
    if (!transports.isEmpty() && !transports.contains(device.transport())) {
      return false;
    }
    if (clientId != null && !clientId.test(device.clientId())) {
      return false;
    }
    if (username != null && !username.test(device.username())) {
      return false;
    }
    if (!sources.isEmpty() && !inSources(device.source())) {
      return false;
    }
    for (Map.Entry<String, TextMatch> p : userProperties.entrySet()) {
      if (!hasProperty(device.userProperties(), p.getKey(), p.getValue())) {
        return false;
      }
    }
    return true;
  }

  private boolean inSources(@Nullable InetAddress source) {
    if (source == null) {
      return false;
    }
    for (int i = 0, n = sources.size(); i < n; i++) {
      if (sources.get(i).contains(source)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasProperty(
      List<ConnectFacts.UserProperty> properties, String name, TextMatch test) {
    for (int i = 0, n = properties.size(); i < n; i++) {
      ConnectFacts.UserProperty p = properties.get(i);
      if (p.name().equals(name) && test.test(p.value())) {
        return true;
      }
    }
    return false;
  }

  /** The conditions in words, for the admin API: {@code clientId prefix 'a-', transport mqtts}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (clientId != null) {
      parts.add("clientId " + clientId.describe());
    }
    if (username != null) {
      parts.add("username " + username.describe());
    }
    if (!transports.isEmpty()) {
      parts.add(
          "transport "
              + transports.stream()
                  .map(Transport::wireName)
                  .sorted()
                  .collect(Collectors.joining("|")));
    }
    if (!sources.isEmpty()) {
      parts.add("source " + sources.stream().map(Cidr::toString).collect(Collectors.joining("|")));
    }
    userProperties.forEach((k, v) -> parts.add("userProperty '" + k + "' " + v.describe()));
    return parts.isEmpty() ? "any device" : String.join(", ", parts);
  }
}

package io.mqttdispatcher.dispatcher.routing;

import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What routing rules may look at in a CONNECT. The listener fills in the username, source address
 * and user properties only when some rule looks at them ({@link RoutingTable#needsUsername()} and
 * the like), so a table that matches on client ids alone costs no more than that.
 *
 * @param clientId the client identifier (may be empty)
 * @param username the CONNECT's user name, or null when it has none or no rule needs it
 * @param source the device's address, or null when unknown or no rule needs it
 * @param transport the listener the device came in on
 * @param userProperties the CONNECT's MQTT v5 user properties, in order (empty when no rule needs
 *     them)
 */
public record DeviceFacts(
    String clientId,
    @Nullable String username,
    @Nullable InetAddress source,
    Transport transport,
    List<UserProperty> userProperties) {

  public DeviceFacts {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(userProperties, "userProperties");
  }

  /** A device known only by its client id and transport. */
  public static DeviceFacts of(String clientId, Transport transport) {
    return new DeviceFacts(clientId, null, null, transport, List.of());
  }

  /** One MQTT v5 user property (a name may appear more than once in a CONNECT). */
  public record UserProperty(String name, String value) {
    public UserProperty {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }
}

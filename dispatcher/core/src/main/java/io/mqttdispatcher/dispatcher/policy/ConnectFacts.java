package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the dispatcher knows about one CONNECT, the one input besides broker state to the decision:
 * routing rules read the client id, user name, source address, transport and user properties; the
 * policy reads the session fields. The listener fills in the user name, source address and user
 * properties only when some routing rule looks at them, so a table that matches on client ids alone
 * costs no more than that.
 *
 * @param clientId the CONNECT's client identifier (may be empty)
 * @param transport how the device reached the dispatcher
 * @param cleanStart the CONNECT's Clean Start flag
 * @param sessionExpirySeconds the CONNECT's Session Expiry Interval (0 when absent; 0xFFFFFFFF =
 *     never)
 * @param username the CONNECT's user name, or null when it has none or no rule needs it
 * @param source the device's address, or null when unknown or no rule needs it
 * @param userProperties the CONNECT's MQTT v5 user properties, in order (empty when no rule needs
 *     them)
 */
public record ConnectFacts(
    String clientId,
    Transport transport,
    boolean cleanStart,
    long sessionExpirySeconds,
    @Nullable String username,
    @Nullable InetAddress source,
    List<UserProperty> userProperties) {

  public ConnectFacts {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(userProperties, "userProperties");
  }

  /** A CONNECT known by its client id, transport and session fields only. */
  public ConnectFacts(
      String clientId, Transport transport, boolean cleanStart, long sessionExpirySeconds) {
    this(clientId, transport, cleanStart, sessionExpirySeconds, null, null, List.of());
  }

  /** A clean device known only by its client id and transport. */
  public static ConnectFacts of(String clientId, Transport transport) {
    return new ConnectFacts(clientId, transport, true, 0);
  }

  /**
   * Whether a broker may hold, or is asked to keep, a session for this device: Clean Start = 0 or a
   * Session Expiry Interval above 0. Such a device must go back to the broker that has its session.
   */
  public boolean hasSession() {
    return !clientId.isEmpty() && (!cleanStart || sessionExpirySeconds > 0);
  }

  /** One MQTT v5 user property (a name may appear more than once in a CONNECT). */
  public record UserProperty(String name, String value) {
    public UserProperty {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }
}

package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.protocol.Transport;

/**
 * What a policy may know about the device asking for a broker.
 *
 * @param clientId the CONNECT's client identifier (may be empty)
 * @param transport how the device reached the dispatcher
 * @param cleanStart the CONNECT's Clean Start flag
 * @param sessionExpirySeconds the CONNECT's Session Expiry Interval (0 when absent; 0xFFFFFFFF =
 *     never)
 */
public record ConnectFacts(
    String clientId, Transport transport, boolean cleanStart, long sessionExpirySeconds) {

  /**
   * Whether a broker may hold, or is asked to keep, a session for this device: Clean Start = 0 or a
   * Session Expiry Interval above 0. Such a device must go back to the broker that has its session.
   */
  public boolean hasSession() {
    return !clientId.isEmpty() && (!cleanStart || sessionExpirySeconds > 0);
  }
}

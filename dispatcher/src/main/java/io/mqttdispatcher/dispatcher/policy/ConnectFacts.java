package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.protocol.Transport;

/**
 * What a policy may know about the device asking for a broker.
 *
 * @param clientId the CONNECT's client identifier (may be empty)
 * @param transport how the device reached the dispatcher
 * @param cleanStart the CONNECT's Clean Start flag
 * @param sessionExpirySeconds the CONNECT's Session Expiry Interval (0 when absent)
 */
public record ConnectFacts(String clientId, Transport transport, boolean cleanStart, long sessionExpirySeconds) {}

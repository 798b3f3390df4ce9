package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

/**
 * Redirects came back to an endpoint already visited, or went on for more hops than allowed.
 * Usually a probe advertises an endpoint that is not a broker (for example a dispatcher's own
 * address).
 */
public final class RedirectLoopException extends ConnectFailedException {
  public RedirectLoopException(String message, Mqtt5ConnAckReasonCode reasonCode) {
    super(message, reasonCode, null);
  }
}

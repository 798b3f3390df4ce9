package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A device could not reach a broker: refused, unreachable, timed out, or redirected in a loop. */
public class ConnectFailedException extends Exception {
  private final @Nullable Mqtt5ConnAckReasonCode reasonCode;

  public ConnectFailedException(
      String message, @Nullable Mqtt5ConnAckReasonCode reasonCode, @Nullable Throwable cause) {
    super(message, cause);
    this.reasonCode = reasonCode;
  }

  /** The CONNACK reason code that refused the device, when a server answered with one. */
  public Optional<Mqtt5ConnAckReasonCode> reasonCode() {
    return Optional.ofNullable(reasonCode);
  }
}

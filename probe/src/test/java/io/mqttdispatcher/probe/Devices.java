package io.mqttdispatcher.probe;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A device as the dispatcher sees it: a real HiveMQ MQTT v5 client connecting to the device port.
 */
final class Devices {
  private Devices() {}

  /**
   * The CONNACK the dispatcher on {@code port} answers a fresh device with (it always refuses:
   * redirect or 0x88).
   */
  static Mqtt5ConnAck connect(int port) {
    Mqtt5BlockingClient client =
        Mqtt5Client.builder()
            .identifier("device-" + UUID.randomUUID().toString().substring(0, 8))
            .serverHost("127.0.0.1")
            .serverPort(port)
            .transportConfig()
            .mqttConnectTimeout(3, TimeUnit.SECONDS)
            .socketConnectTimeout(3, TimeUnit.SECONDS)
            .applyTransportConfig()
            .buildBlocking();
    try {
      client.connect();
      client.disconnect();
      throw new AssertionError("the dispatcher accepted an MQTT session instead of redirecting");
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage();
    }
  }

  /** The Server Reference of the CONNACK, or "" when there is none. */
  static String serverReference(Mqtt5ConnAck connAck) {
    return connAck.getServerReference().map(Object::toString).orElse("");
  }
}

package io.mqttdispatcher.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A real MQTT v5 device (HiveMQ MQTT Client) asking the dispatcher where to go. */
public final class TestDevice {
  private TestDevice() {}

  /**
   * Connects to {@code port} on loopback and returns the refusing CONNACK the dispatcher answers
   * with (a redirect or 0x88). Fails if the connection is accepted or no CONNACK arrives within 5
   * s.
   */
  public static Mqtt5ConnAck ask(int port) {
    return ask(port, "dev-" + UUID.randomUUID(), true, 0);
  }

  /**
   * Like {@link #ask(int)}, for a device with this client id, Clean Start flag and Session Expiry
   * Interval.
   */
  public static Mqtt5ConnAck ask(
      int port, String clientId, boolean cleanStart, long sessionExpirySeconds) {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildAsync();
    try {
      client
          .connectWith()
          .cleanStart(cleanStart)
          .sessionExpiryInterval(sessionExpirySeconds)
          .send()
          .get(5, TimeUnit.SECONDS);
      client.disconnect();
      throw new AssertionError(
          "the server on port " + port + " accepted the connection instead of refusing it");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Mqtt5ConnAckException refused) {
        return refused.getMqttMessage();
      }
      throw new AssertionError("no CONNACK from port " + port + ": " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no CONNACK from port " + port + ": " + e, e);
    }
  }

  /** The Server Reference of the dispatcher's answer, or null when it carries none. */
  public static String serverReference(int port) {
    return ask(port).getServerReference().map(Object::toString).orElse(null);
  }
}

package io.mqttdispatcher.probe.evict;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import io.mqttdispatcher.cli.HostPort;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mqtt-takeover} evictor, for any MQTT broker (stock Mosquitto included): it connects
 * with the device's client id, so the broker disconnects the device (MQTT v5: DISCONNECT 0x8E,
 * Session taken over), and leaves at once with a normal DISCONNECT. Clean Start 1 and Session
 * Expiry 0 leave no session behind, and there is no will. The device reconnects through a
 * dispatcher, which sends it to a broker that is not a donor.
 */
public final class MqttTakeover implements Evictor {
  private final HostPort broker;
  private final @Nullable String username;
  private final byte @Nullable [] password;

  /**
   * @param username the probe's broker account, or null for none; it must be allowed to connect
   *     with any client id (and needs no topic rights for this)
   */
  public MqttTakeover(HostPort broker, @Nullable String username, byte @Nullable [] password) {
    this.broker = broker;
    this.username = username;
    this.password = password == null ? null : password.clone();
  }

  @Override
  public CompletableFuture<Void> evict(String clientId) {
    Mqtt5ClientBuilder builder =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost(broker.host())
            .serverPort(broker.port())
            .transportConfig()
            .mqttConnectTimeout(5, TimeUnit.SECONDS)
            .socketConnectTimeout(5, TimeUnit.SECONDS)
            .applyTransportConfig();
    if (username != null) {
      builder =
          builder
              .simpleAuth()
              .username(username)
              .password(password == null ? new byte[0] : password)
              .applySimpleAuth();
    }
    Mqtt5AsyncClient client = builder.buildAsync();
    return client
        .connectWith()
        .cleanStart(true)
        .sessionExpiryInterval(0)
        .keepAlive(60)
        .send()
        .thenCompose(ack -> client.disconnect())
        .thenApply(v -> (Void) null);
  }

  @Override
  public void close() {
    // Each takeover uses its own short-lived client; nothing is held between them.
  }

  @Override
  public String toString() {
    return "mqtt-takeover on " + broker + (username == null ? "" : " as user '" + username + "'");
  }
}

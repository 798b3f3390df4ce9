package io.mqttdispatcher.probe.check;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttdispatcher.cli.HostPort;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one idle MQTT v5 connection to the broker only to learn the moment it dies: a broker
 * process that goes away closes the connection, and {@code onLoss} runs at once, so the probe
 * checks the broker then instead of at its next interval (a dead broker is reported within
 * milliseconds, not up to an interval later, while devices are already being sent to it). A probe
 * that reads {@code $SYS} gets the same signal from its subscriber's connection; this is for the
 * brokers whose figures come from a metrics endpoint (HiveMQ CE). Reconnects on its own, and stops
 * reconnecting once closed, also while the broker is away.
 */
public final class BrokerWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

  private final HostPort broker;
  private final Runnable onLoss;
  private final Mqtt5AsyncClient client;
  private volatile boolean connected;
  private volatile boolean closing;

  /**
   * @param onLoss called on the client's thread when the connection drops; not when it is closed
   * @param username the probe's broker account, or null
   */
  public BrokerWatch(
      HostPort broker, Runnable onLoss, @Nullable String username, byte @Nullable [] password) {
    this.broker = broker;
    this.onLoss = onLoss;
    var builder =
        Mqtt5Client.builder()
            .identifier(newClientId())
            .serverHost(broker.host())
            .serverPort(broker.port())
            .executorConfig()
            .nettyThreads(1)
            .applyExecutorConfig()
            // A refused connect on the broker's own host costs microseconds: retry soon, so a
            // restarted broker is watched again before it can die a second time unnoticed.
            .automaticReconnect()
            .initialDelay(200, TimeUnit.MILLISECONDS)
            .maxDelay(2, TimeUnit.SECONDS)
            .applyAutomaticReconnect()
            .addConnectedListener(ctx -> onConnected())
            .addDisconnectedListener(
                ctx -> {
                  if (closing) {
                    // Closed while the broker was away: no reconnect to whatever listens next.
                    ctx.getReconnector().reconnect(false);
                  }
                  onDisconnected(ctx.getCause());
                });
    if (username != null) {
      builder =
          builder
              .simpleAuth()
              .username(username)
              .password(password == null ? new byte[0] : password)
              .applySimpleAuth();
    }
    this.client = builder.buildAsync();
  }

  /** Connects; returns at once, retrying in the background until the broker answers. */
  public void start() {
    client.connectWith().cleanStart(true).sessionExpiryInterval(0).keepAlive(30).send();
  }

  /**
   * Whether the watch's connection is up now: the broker counts it among its clients then, and the
   * probe leaves it out of the count it reports.
   */
  public boolean connected() {
    return connected;
  }

  private void onConnected() {
    if (closing) {
      client.disconnect(); // a reconnect that was under way when the watch was closed
      return;
    }
    connected = true;
    LOG.debug("watching broker at {} over a connection of its own", broker);
  }

  private void onDisconnected(Throwable cause) {
    boolean was = connected;
    connected = false;
    if (closing || !was) {
      return;
    }
    LOG.info(
        "lost the watch connection to broker at {} ({}); checking it now",
        broker,
        cause.getMessage());
    onLoss.run();
  }

  @Override
  public void close() {
    closing = true;
    try {
      client.disconnect().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Not connected (or the broker is gone): nothing to close politely.
      LOG.debug("watch connection closed without DISCONNECT: {}", e.toString());
    }
  }

  private static String newClientId() {
    byte[] bytes = new byte[7];
    new SecureRandom().nextBytes(bytes);
    return "dprobe-w" + HexFormat.of().formatHex(bytes); // 22 characters
  }
}

package io.mqttdispatcher.probe.sys;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttdispatcher.cli.HostPort;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to the broker's {@code $SYS} connection count and received-message counters with its
 * own MQTT v5 connection (reconnecting on its own) and keeps the latest values. PUBLISH counters
 * are preferred over all-packet counters when the broker has both. While disconnected, or for a
 * broker that publishes no {@code $SYS} tree, both values are empty and reports simply omit them.
 */
public final class SysSubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SysSubscriber.class);
  static final String CLIENTS_CONNECTED = "$SYS/broker/clients/connected";
  static final String PUBLISH_RECEIVED = "$SYS/broker/publish/messages/received";
  static final String MESSAGES_RECEIVED = "$SYS/broker/messages/received";

  /** Mosquitto's notice-level log with {@code log_dest topic}: connects and disconnects. */
  static final String LOG_NOTICE = "$SYS/broker/log/N";

  private final HostPort broker;
  private final Runnable onDisconnect;
  private final Mqtt5AsyncClient client;
  private final java.util.function.Consumer<String> logLines;
  private final CounterRate publishRate = new CounterRate();
  private final CounterRate messageRate = new CounterRate();
  private long connections = -1;
  private boolean publishCounterSeen;
  private boolean connected;
  private volatile boolean closing;

  /**
   * @param onDisconnect called when the connection to the broker drops: often the first sign that
   *     the broker died, worth a liveness check at once
   */
  public SysSubscriber(HostPort broker, Runnable onDisconnect) {
    this(broker, onDisconnect, line -> {}, null, null);
  }

  /**
   * @param logLines receives each line of the broker's connection log ({@code $SYS/broker/log/N},
   *     Mosquitto with {@code log_dest topic}); never called for brokers that do not publish it
   * @param username the probe's broker account, or null
   */
  public SysSubscriber(
      HostPort broker,
      Runnable onDisconnect,
      java.util.function.Consumer<String> logLines,
      @org.jspecify.annotations.Nullable String username,
      byte @org.jspecify.annotations.Nullable [] password) {
    this.broker = broker;
    this.onDisconnect = onDisconnect;
    this.logLines = logLines;
    var builder =
        Mqtt5Client.builder()
            .identifier(newClientId())
            .serverHost(broker.host())
            .serverPort(broker.port())
            .executorConfig()
            .nettyThreads(1)
            .applyExecutorConfig()
            .automaticReconnect()
            .initialDelay(500, TimeUnit.MILLISECONDS)
            .maxDelay(10, TimeUnit.SECONDS)
            .applyAutomaticReconnect()
            .addConnectedListener(ctx -> connected())
            .addDisconnectedListener(
                ctx -> {
                  if (closing) {
                    // Closed while the broker was away: stop the automatic reconnect, or it goes on
                    // in the background and connects to whatever broker listens there next.
                    ctx.getReconnector().reconnect(false);
                  }
                  disconnected(ctx.getCause());
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

  /**
   * Connects and subscribes; returns at once, retrying in the background until the broker answers.
   */
  public void start() {
    client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::onPublish);
    client.connectWith().cleanStart(true).keepAlive(30).send();
  }

  private synchronized void connected() {
    if (closing) {
      client.disconnect(); // a reconnect that was under way when this subscriber was closed
      return;
    }
    connected = true;
    publishRate.reset();
    messageRate.reset();
    connections = -1;
    LOG.info("reading $SYS counters from broker at {}", broker);
    client
        .subscribeWith()
        .addSubscription()
        .topicFilter(CLIENTS_CONNECTED)
        .qos(MqttQos.AT_MOST_ONCE)
        .applySubscription()
        .addSubscription()
        .topicFilter(PUBLISH_RECEIVED)
        .qos(MqttQos.AT_MOST_ONCE)
        .applySubscription()
        .addSubscription()
        .topicFilter(MESSAGES_RECEIVED)
        .qos(MqttQos.AT_MOST_ONCE)
        .applySubscription()
        .addSubscription()
        .topicFilter(LOG_NOTICE)
        .qos(MqttQos.AT_MOST_ONCE)
        .applySubscription()
        .send()
        .whenComplete(
            (ack, e) -> {
              if (e != null) {
                LOG.warn(
                    "cannot subscribe to $SYS topics on broker at {}: {}", broker, e.getMessage());
              }
            });
  }

  private void disconnected(Throwable cause) {
    boolean wasConnected;
    synchronized (this) {
      wasConnected = connected;
      connected = false;
    }
    if (closing) {
      return;
    }
    if (wasConnected) {
      LOG.info(
          "lost $SYS connection to broker at {} ({}); reconnecting", broker, cause.getMessage());
      onDisconnect.run();
    } else {
      LOG.debug("no $SYS connection to broker at {}: {}", broker, cause.getMessage());
    }
  }

  private void onPublish(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    if (topic.equals(LOG_NOTICE)) {
      logLines.accept(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
      return;
    }
    long value;
    try {
      value =
          Long.parseLong(new String(publish.getPayloadAsBytes(), StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      LOG.debug("ignoring non-numeric {} from broker at {}", topic, broker);
      return;
    }
    long now = System.nanoTime();
    synchronized (this) {
      switch (topic) {
        case CLIENTS_CONNECTED -> connections = value;
        case PUBLISH_RECEIVED -> {
          publishCounterSeen = true;
          publishRate.update(value, now);
        }
        case MESSAGES_RECEIVED -> messageRate.update(value, now);
        default -> LOG.debug("ignoring {} from broker at {}", topic, broker);
      }
    }
  }

  /** Clients connected to the broker, not counting this subscriber; empty when unknown. */
  public synchronized OptionalLong connections() {
    return connected && connections >= 0
        ? OptionalLong.of(Math.max(0, connections - 1))
        : OptionalLong.empty();
  }

  /** Messages per second the broker received at {@code nowNanos}; empty when unknown. */
  public synchronized OptionalDouble msgRate(long nowNanos) {
    if (!connected) {
      return OptionalDouble.empty();
    }
    return publishCounterSeen ? publishRate.rate(nowNanos) : messageRate.rate(nowNanos);
  }

  @Override
  public void close() {
    closing = true;
    try {
      client.disconnect().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Not connected (or the broker is gone): nothing to close politely.
      LOG.debug("$SYS client closed without DISCONNECT: {}", e.toString());
    }
  }

  private static String newClientId() {
    byte[] bytes = new byte[7];
    new SecureRandom().nextBytes(bytes);
    return "dprobe-s"
        + HexFormat.of().formatHex(bytes); // 22 characters: every broker accepts up to 23
  }
}

package io.mqttdispatcher.loadgen.fleet;

import com.hivemq.client.mqtt.MqttClientConfig;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.cli.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Watches one client, that is one connection attempt, through the HiveMQ client's own listeners:
 * whether it landed on a broker, was redirected or failed, and, once connected, whether the broker
 * was lost. Added to the client settings a connector applies at every hop, so it sees every attempt
 * without the connector's help.
 */
final class AttemptWatcher {
  private final int device;
  private final DeviceEvents events;
  private final Runnable onLost;
  private final AtomicBoolean connected = new AtomicBoolean();

  /**
   * When the attempt began: the watcher is made for the client of one attempt, just before it
   * connects.
   */
  private final long startedNanos = System.nanoTime();

  private AttemptWatcher(int device, DeviceEvents events, Runnable onLost) {
    this.device = device;
    this.events = events;
    this.onLost = onLost;
  }

  /**
   * {@code builder} with listeners reporting device {@code device}'s attempt to {@code events};
   * {@code onLost} runs after a loss.
   */
  static Mqtt5ClientBuilder watch(
      Mqtt5ClientBuilder builder, int device, DeviceEvents events, Runnable onLost) {
    AttemptWatcher watcher = new AttemptWatcher(device, events, onLost);
    return builder
        .addConnectedListener(context -> watcher.connected(endpoint(context.getClientConfig())))
        .addDisconnectedListener(watcher::disconnected);
  }

  private void connected(HostPort broker) {
    connected.set(true);
    events.landed(device, broker);
  }

  private void disconnected(MqttClientDisconnectedContext context) {
    HostPort target = endpoint(context.getClientConfig());
    if (connected.getAndSet(false)) {
      if (context.getSource() == MqttDisconnectSource.USER) {
        events.left(device, target);
      } else {
        events.lost(device, target);
        onLost.run();
      }
      return;
    }
    if (context.getSource() == MqttDisconnectSource.USER) {
      events.failed(target, startedNanos, "given up (no CONNACK in time)");
      return;
    }
    Throwable cause = context.getCause();
    if (cause instanceof Mqtt5ConnAckException refused) {
      Mqtt5ConnAckReasonCode code = refused.getMqttMessage().getReasonCode();
      if (code == Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER
          || code == Mqtt5ConnAckReasonCode.SERVER_MOVED) {
        events.redirected(target);
        return;
      }
      events.failed(
          target,
          startedNanos,
          String.format(Locale.ROOT, "CONNACK 0x%02X %s", code.getCode(), code));
      return;
    }
    events.failed(target, startedNanos, describe(cause));
  }

  /** A failure in a few words, the same for the same kind of failure, so they can be counted. */
  static String describe(Throwable cause) {
    Throwable root = cause;
    for (Throwable next = cause.getCause(); next != null && next != root; next = next.getCause()) {
      root = next;
    }
    String name = root.getClass().getSimpleName();
    if (name.contains("Timeout")) {
      return "timed out";
    }
    if (root instanceof ConnectException) {
      return "connection refused";
    }
    if (root instanceof IOException && isReset(root.getMessage())) {
      // A broker killed while a connection waited in its accept queue: the TCP connect succeeded,
      // then the kernel reset it.
      return "connection reset";
    }
    if (cause instanceof ConnectionFailedException) {
      return "connection failed: " + name;
    }
    return name.isEmpty() ? "failed" : name;
  }

  private static boolean isReset(@Nullable String message) {
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("connection reset") || lower.contains("broken pipe");
  }

  private static HostPort endpoint(MqttClientConfig config) {
    return new HostPort(config.getServerHost(), config.getServerPort());
  }
}

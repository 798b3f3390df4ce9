package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.protocol.Transport;
import io.netty.handler.ssl.SslContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One device listener to open: its transport, its address and what its pipeline needs besides MQTT
 * (the WebSocket path, the TLS context). Every listener is built from one of these the same way,
 * and every one hands its CONNECTs to the same {@link ConnectService}.
 *
 * @param transport what devices speak to it, and which broker endpoint they are sent to
 * @param address where it listens
 * @param webSocketPath the HTTP path of MQTT over WebSocket, or null for MQTT over TCP
 * @param tls the server's TLS context, or null for plain TCP
 */
public record DeviceListener(
    Transport transport,
    HostPort address,
    @Nullable String webSocketPath,
    @Nullable SslContext tls) {

  public DeviceListener {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(address, "address");
    boolean webSocket = transport == Transport.WS || transport == Transport.WSS;
    boolean secure = transport == Transport.MQTTS || transport == Transport.WSS;
    if (webSocket != (webSocketPath != null)) {
      throw new IllegalArgumentException(
          transport.wireName() + " listener: a WebSocket path is needed for ws and wss only");
    }
    if (secure != (tls != null)) {
      throw new IllegalArgumentException(
          transport.wireName() + " listener: a TLS context is needed for mqtts and wss only");
    }
  }

  /** MQTT over TCP on {@code address}. */
  public static DeviceListener mqtt(HostPort address) {
    return new DeviceListener(Transport.MQTT, address, null, null);
  }

  /** How the listener is named in the log. */
  String describe() {
    return switch (transport) {
      case MQTT -> "device listener";
      case MQTTS -> "TLS device listener";
      case WS -> "WebSocket device listener (path " + webSocketPath + ")";
      case WSS -> "TLS WebSocket device listener (path " + webSocketPath + ")";
    };
  }
}

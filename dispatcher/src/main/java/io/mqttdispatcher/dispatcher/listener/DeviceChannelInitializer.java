package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.protocol.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * Assembles a device pipeline, read top to bottom. On a TLS listener {@link HandlerNames#TLS} comes
 * first. On a WebSocket listener four handlers come first: {@link HandlerNames#HTTP}, {@link
 * HandlerNames#HTTP_AGGREGATOR}, {@link HandlerNames#WEBSOCKET} (the handshake on the MQTT path,
 * subprotocol {@code mqtt}) and {@link HandlerNames#WEBSOCKET_FRAMES}. Then, on every listener:
 *
 * <ol>
 *   <li>{@link HandlerNames#DECODER}: decodes the CONNECT; a CONNECT over the size limit or a
 *       malformed packet comes out as a message whose decoder result is a failure.
 *   <li>{@link HandlerNames#ENCODER}: encodes the CONNACK; writes v5 properties because the decoder
 *       marked the channel v5 when it read the CONNECT.
 *   <li>{@link HandlerNames#CONNECT}: answers the first packet and closes.
 * </ol>
 */
final class DeviceChannelInitializer extends ChannelInitializer<Channel> {
  private final ConnectService service;
  private final Transport transport;
  private final int maxConnectSize;
  private final @Nullable WebSocketServerProtocolConfig webSocket;
  private final @Nullable SslContext tls;

  /** A plain MQTT over TCP pipeline. */
  DeviceChannelInitializer(ConnectService service, int maxConnectSize) {
    this(service, DeviceListener.mqtt(new HostPort("127.0.0.1", 0)), maxConnectSize);
  }

  DeviceChannelInitializer(ConnectService service, DeviceListener listener, int maxConnectSize) {
    this.service = service;
    this.transport = listener.transport();
    this.tls = listener.tls();
    this.maxConnectSize = maxConnectSize;
    String webSocketPath = listener.webSocketPath();
    this.webSocket =
        webSocketPath == null
            ? null
            : WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(webSocketPath)
                .subprotocols("mqtt")
                .maxFramePayloadLength(maxConnectSize + 16)
                .handshakeTimeoutMillis(service.connectTimeout().toMillis())
                .build();
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (tls != null) {
      p.addLast(HandlerNames.TLS, tls.newHandler(ch.alloc()));
    }
    if (webSocket != null) {
      p.addLast(HandlerNames.HTTP, new HttpServerCodec());
      p.addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(8192));
      p.addLast(HandlerNames.WEBSOCKET, new WebSocketServerProtocolHandler(webSocket));
      p.addLast(HandlerNames.WEBSOCKET_FRAMES, WebSocketFrames.INSTANCE);
    }
    p.addLast(HandlerNames.DECODER, new MqttDecoder(maxConnectSize));
    p.addLast(HandlerNames.ENCODER, MqttEncoder.INSTANCE);
    p.addLast(HandlerNames.CONNECT, new ConnectHandler(service, transport));
  }
}

package io.mqttdispatcher.dispatcher.listener;

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
  private final int maxConnectSize;
  private final @Nullable WebSocketServerProtocolConfig webSocket;
  private final @Nullable SslContext tls;

  DeviceChannelInitializer(ConnectService service, int maxConnectSize) {
    this(service, maxConnectSize, null, null);
  }

  /**
   * @param webSocketPath the HTTP path of MQTT over WebSocket, or null for MQTT over TCP
   * @param tls the server's TLS context, or null for plain TCP
   */
  DeviceChannelInitializer(
      ConnectService service,
      int maxConnectSize,
      @Nullable String webSocketPath,
      @Nullable SslContext tls) {
    this.service = service;
    this.tls = tls;
    this.maxConnectSize = maxConnectSize;
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
    p.addLast(HandlerNames.CONNECT, new ConnectHandler(service));
  }
}

package io.mqttdispatcher.dispatcher.listener;

/** Names of the handlers in a device pipeline, in pipeline order. */
public final class HandlerNames {
  /** TLS listeners only: {@link io.netty.handler.ssl.SslHandler}. */
  public static final String TLS = "tls";

  /** WebSocket listeners only: HTTP for the opening handshake. */
  public static final String HTTP = "http";

  /** WebSocket listeners only: collects the handshake request. */
  public static final String HTTP_AGGREGATOR = "httpAggregator";

  /** WebSocket listeners only: the handshake on the MQTT path, then WebSocket framing. */
  public static final String WEBSOCKET = "webSocket";

  /** WebSocket listeners only: {@link WebSocketFrames}, binary frames to and from MQTT bytes. */
  public static final String WEBSOCKET_FRAMES = "webSocketFrames";

  /**
   * {@link io.netty.handler.codec.mqtt.MqttDecoder}: bytes to MQTT messages, with the size limit.
   */
  public static final String DECODER = "mqttDecoder";

  /** {@link io.netty.handler.codec.mqtt.MqttEncoder}: CONNACK to bytes. */
  public static final String ENCODER = "mqttEncoder";

  /** {@link ConnectHandler}: the CONNECT timeout and the answer to the first packet. */
  public static final String CONNECT = "connect";

  private HandlerNames() {}
}

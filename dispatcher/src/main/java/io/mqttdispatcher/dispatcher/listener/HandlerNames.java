package io.mqttdispatcher.dispatcher.listener;

/** Names of the handlers in a device pipeline, in pipeline order. */
public final class HandlerNames {
  /** {@link io.netty.handler.codec.mqtt.MqttDecoder}: bytes to MQTT messages, with the size limit. */
  public static final String DECODER = "mqttDecoder";
  /** {@link io.netty.handler.codec.mqtt.MqttEncoder}: CONNACK to bytes. */
  public static final String ENCODER = "mqttEncoder";
  /** {@link ConnectHandler}: the CONNECT timeout and the answer to the first packet. */
  public static final String CONNECT = "connect";

  private HandlerNames() {}
}

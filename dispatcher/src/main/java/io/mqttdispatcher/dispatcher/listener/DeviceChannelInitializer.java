package io.mqttdispatcher.dispatcher.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Assembles a device pipeline, read top to bottom:
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

  DeviceChannelInitializer(ConnectService service, int maxConnectSize) {
    this.service = service;
    this.maxConnectSize = maxConnectSize;
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(HandlerNames.DECODER, new MqttDecoder(maxConnectSize));
    p.addLast(HandlerNames.ENCODER, MqttEncoder.INSTANCE);
    p.addLast(HandlerNames.CONNECT, new ConnectHandler(service));
  }
}

package io.mqttdispatcher.dispatcher.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * MQTT over WebSocket: the MQTT bytes travel in binary frames (MQTT 5 section 6). Inbound, the
 * content of binary and continuation frames goes on as plain bytes for the MQTT decoder; any other
 * data frame closes the connection. Outbound, the encoder's bytes go out as one binary frame.
 */
@ChannelHandler.Sharable
final class WebSocketFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
  static final WebSocketFrames INSTANCE = new WebSocketFrames();

  private WebSocketFrames() {}

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
    out.add(new BinaryWebSocketFrame(bytes.retain()));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
      out.add(frame.content().retain());
    } else {
      ctx.close(); // MQTT 5 6.0: a text frame is a protocol error
    }
  }
}

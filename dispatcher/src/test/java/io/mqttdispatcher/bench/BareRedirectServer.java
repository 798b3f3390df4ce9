package io.mqttdispatcher.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;

/**
 * The least a Netty redirect server does, for weighing the dispatcher against Netty itself rather
 * than against the native reference: one epoll or io_uring loop that accepts and reads ({@code
 * TCP_DEFER_ACCEPT}, as the dispatcher), {@link MqttDecoder} and {@link MqttEncoder}, and a fixed
 * CONNACK 0x9C with a Server Reference for every packet, then close. No policy, no metrics, no
 * timers, no admission. Run by {@code loadgen/bench/compare-cpu.sh} when {@code A_BARE=1}.
 *
 * <p>usage: {@code BareRedirectServer PORT SERVER_REFERENCE [epoll|io_uring]} (default epoll)
 */
public final class BareRedirectServer {
  private BareRedirectServer() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    String reference = args[1];
    boolean uring = args.length > 2 && args[2].equals("io_uring");
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
    ChannelHandler answer = new Answer(reference);
    ServerBootstrap b =
        new ServerBootstrap().group(loop, loop).option(ChannelOption.SO_BACKLOG, 4096);
    if (uring) {
      b.channel(IoUringServerSocketChannel.class).option(IoUringChannelOption.TCP_DEFER_ACCEPT, 1);
    } else {
      b.channel(EpollServerSocketChannel.class).option(EpollChannelOption.TCP_DEFER_ACCEPT, 1);
    }
    Channel server =
        b.childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, answer);
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    server.closeFuture().sync();
  }

  @ChannelHandler.Sharable
  private static final class Answer extends ChannelInboundHandlerAdapter {
    private final String reference;

    Answer(String reference) {
      this.reference = reference;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      MqttProperties props = new MqttProperties();
      props.add(
          new MqttProperties.StringProperty(
              MqttProperties.MqttPropertyType.SERVER_REFERENCE.value(), reference));
      MqttConnAckMessage connack =
          new MqttConnAckMessage(
              new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
              new MqttConnAckVariableHeader(
                  MqttConnectReturnCode.CONNECTION_REFUSED_USE_ANOTHER_SERVER, false, props));
      ctx.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}

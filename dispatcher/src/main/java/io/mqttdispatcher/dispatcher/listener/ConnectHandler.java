package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.RejectCause;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.mqttdispatcher.protocol.Transport;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the first packet of a device connection, then closes it. One instance per connection: it
 * holds the connection's CONNECT timer.
 *
 * <ul>
 *   <li>MQTT v5 CONNECT: CONNACK 0x9C/0x9D with a Server Reference, or 0x88 without a usable
 *       broker.
 *   <li>MQTT 3.1/3.1.1 CONNECT: CONNACK return code 0x03 (no redirect exists in these versions).
 *   <li>Malformed v5 CONNECT: CONNACK 0x81; over the size limit: 0x95. Other bad input: close.
 *   <li>No CONNECT within the timeout: close.
 * </ul>
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter implements ParkingLot.Parked {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

  /**
   * The attribute where {@link io.netty.handler.codec.mqtt.MqttDecoder} records the protocol
   * version of the CONNECT it read (netty-codec-mqtt keeps its key package-private; attribute keys
   * are interned by name). {@code ConnectHandlerTest} fails if the name ever changes.
   */
  private static final AttributeKey<MqttVersion> MQTT_VERSION =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  /** How often a hold stretched over a gathering looks again. */
  private static final long GATHERING_RECHECK_MILLIS = 100;

  private final ConnectService service;
  private final Transport transport;
  private @Nullable ScheduledFuture<?> timeout;
  private boolean answered;
  private boolean admitted;

  // While held (no broker usable yet): what the decision needs again, and the hold's timer.
  private @Nullable ChannelHandlerContext heldCtx;
  private @Nullable RoutingTable heldTable;
  private @Nullable ConnectFacts heldFacts;
  private long heldMaximumPacketSize;

  ConnectHandler(ConnectService service, Transport transport) {
    this.service = service;
    this.transport = transport;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote
        && !service.withinRate(remote.getAddress(), System.nanoTime())) {
      answered = true;
      service.metrics().rejected(RejectCause.RATE_LIMIT);
      LOG.debug("{}: over the per-address connect rate; closing", remote);
      ctx.close();
      return;
    }
    if (!service.admit()) {
      answered = true;
      service.metrics().rejected(RejectCause.OVERLOAD);
      LOG.debug(
          "{}: too many connections waiting for their CONNECT; closing",
          ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    admitted = true;
    timeout =
        ctx.executor()
            .schedule(
                () -> timedOut(ctx), service.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    if (heldCtx != null) {
      unhold("closed");
    }
    if (admitted) {
      admitted = false;
      service.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (answered) {
        return; // anything after the first packet is discarded while the connection closes
      }
      answered = true;
      cancelTimeout();
      if (msg instanceof MqttMessage m) {
        handle(ctx, m);
      } else {
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void handle(ChannelHandlerContext ctx, MqttMessage msg) {
    if (msg.decoderResult().isFailure()) {
      rejectUndecodable(ctx, msg);
      return;
    }
    if (msg.fixedHeader().messageType() != MqttMessageType.CONNECT) {
      service.metrics().rejected(RejectCause.NOT_CONNECT);
      LOG.debug(
          "{}: first packet was {}, not CONNECT; closing",
          ctx.channel().remoteAddress(),
          msg.fixedHeader().messageType());
      ctx.close();
      return;
    }
    MqttConnectMessage connect = (MqttConnectMessage) msg;
    MqttConnectVariableHeader header = connect.variableHeader();
    if (header.version() != MqttVersion.MQTT_5.protocolLevel()) {
      rejectMqtt3(ctx);
      return;
    }
    RoutingTable table = service.routingTable();
    ConnectFacts facts = facts(ctx, connect, table);
    long maximumPacketSize = maximumPacketSize(header.properties());
    Decision decision = service.decide(table, facts, service.mayHold());
    if (ConnectService.worthHolding(decision) && hold(ctx, table, facts, maximumPacketSize)) {
      timeout =
          ctx.executor()
              .schedule(this::holdExpired, service.holdFor().toNanos(), TimeUnit.NANOSECONDS);
      LOG.debug("{}: no broker usable yet; held", ctx.channel().remoteAddress());
      return;
    }
    if (decision instanceof Decision.Wait) {
      decision = service.decideAgain(table, facts, false); // cannot hold it: answer what there is
    }
    answer(ctx, facts, decision, maximumPacketSize);
  }

  /** Holds this connection; false when the parking lot is full. */
  private boolean hold(
      ChannelHandlerContext ctx, RoutingTable table, ConnectFacts facts, long maximumPacketSize) {
    // Set before entering the lot, which publishes them to a waker on another thread.
    heldCtx = ctx;
    heldTable = table;
    heldFacts = facts;
    heldMaximumPacketSize = maximumPacketSize;
    if (service.hold(this)) {
      return true;
    }
    heldCtx = null;
    heldTable = null;
    heldFacts = null;
    return false;
  }

  private void answer(
      ChannelHandlerContext ctx, ConnectFacts facts, Decision decision, long maximumPacketSize) {
    service.answered(facts, decision);
    reply(ctx, service.connack(decision, facts, maximumPacketSize));
  }

  @Override
  public void wake() {
    ChannelHandlerContext ctx = heldCtx;
    if (ctx != null) {
      ctx.executor().execute(() -> decideAgain(true));
    }
  }

  /**
   * The hold ran out: answer with what there is, unless the device's group is gathering its brokers
   * after an outage. Then the first broker back would take every device whose hold happens to end
   * in that moment, so the hold is stretched until the gathering ends (it is bounded by {@code
   * --gather-window}).
   */
  private void holdExpired() {
    ChannelHandlerContext ctx = heldCtx;
    RoutingTable table = heldTable;
    ConnectFacts facts = heldFacts;
    if (ctx != null
        && table != null
        && facts != null
        && service.decideAgain(table, facts, true) instanceof Decision.Wait) {
      timeout =
          ctx.executor()
              .schedule(this::holdExpired, GATHERING_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    decideAgain(false);
  }

  /** Decides a held CONNECT again; answers it unless it should wait on and {@code mayWait}. */
  private void decideAgain(boolean mayWait) {
    ChannelHandlerContext ctx = heldCtx;
    RoutingTable table = heldTable;
    ConnectFacts facts = heldFacts;
    if (ctx == null || table == null || facts == null) {
      return; // answered or closed meanwhile
    }
    Decision decision = service.decideAgain(table, facts, mayWait);
    if (mayWait && ConnectService.worthHolding(decision)) {
      return; // still nothing usable: the hold's timer or the next snapshot decides
    }
    if (decision instanceof Decision.Wait) {
      decision = service.decideAgain(table, facts, false);
    }
    unhold(decision instanceof Decision.Redirect ? "redirected" : "refused");
    if (ctx.channel().isActive()) {
      answer(ctx, facts, decision, heldMaximumPacketSize);
    }
  }

  private void unhold(String outcome) {
    cancelTimeout();
    heldCtx = null;
    heldTable = null;
    heldFacts = null;
    service.unhold(this);
    service.metrics().unparked(outcome);
  }

  /**
   * The CONNECT's facts; the user name, address and user properties only when a rule of {@code
   * table} looks at them.
   */
  private ConnectFacts facts(
      ChannelHandlerContext ctx, MqttConnectMessage connect, RoutingTable table) {
    MqttConnectVariableHeader header = connect.variableHeader();
    String username = table.needsUsername() ? connect.payload().userName() : null;
    InetAddress source =
        table.needsSource() && ctx.channel().remoteAddress() instanceof InetSocketAddress inet
            ? inet.getAddress()
            : null;
    List<ConnectFacts.UserProperty> properties =
        table.needsUserProperties() ? userProperties(header.properties()) : List.of();
    return new ConnectFacts(
        connect.payload().clientIdentifier(),
        transport,
        header.isCleanSession(),
        sessionExpiry(header.properties()),
        username,
        source,
        properties);
  }

  private static List<ConnectFacts.UserProperty> userProperties(MqttProperties props) {
    List<? extends MqttProperties.MqttProperty> found =
        props.getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value());
    if (found.isEmpty()) {
      return List.of();
    }
    List<ConnectFacts.UserProperty> list = new ArrayList<>();
    for (MqttProperties.MqttProperty p : found) {
      if (p instanceof MqttProperties.UserProperty one) {
        list.add(new ConnectFacts.UserProperty(one.value().key, one.value().value));
      } else if (p instanceof MqttProperties.UserProperties many) {
        for (MqttProperties.StringPair pair : many.value()) {
          list.add(new ConnectFacts.UserProperty(pair.key, pair.value));
        }
      }
    }
    return list;
  }

  private void rejectUndecodable(ChannelHandlerContext ctx, MqttMessage msg) {
    Throwable cause = msg.decoderResult().cause();
    boolean tooLarge = cause instanceof TooLongFrameException;
    service.metrics().rejected(tooLarge ? RejectCause.TOO_LARGE : RejectCause.MALFORMED);
    LOG.debug(
        "{}: {} first packet: {}",
        ctx.channel().remoteAddress(),
        tooLarge ? "oversized" : "malformed",
        cause.getMessage());
    // A reason code can only be given to a device known to speak v5: once the decoder has read the
    // CONNECT's protocol level, which is also what makes the encoder write a v5 CONNACK.
    if (ctx.channel().attr(MQTT_VERSION).get() == MqttVersion.MQTT_5) {
      reply(
          ctx,
          tooLarge
              ? ConnectService.refusal(
                  MqttConnectReturnCode.CONNECTION_REFUSED_PACKET_TOO_LARGE, "CONNECT too large")
              : ConnectService.refusal(
                  MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET, "malformed CONNECT"));
    } else {
      ctx.close();
    }
  }

  private void rejectMqtt3(ChannelHandlerContext ctx) {
    service.metrics().rejected(RejectCause.MQTT3);
    SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress inet
        && service.mqtt3Log().shouldLog(inet.getAddress(), System.nanoTime())) {
      LOG.info(
          "{}: MQTT 3 CONNECT refused with 0x03: only MQTT v5 devices can be redirected"
              + " (logged once per address per minute)",
          inet.getAddress().getHostAddress());
    }
    reply(
        ctx,
        ConnectService.connack(
            MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttProperties.NO_PROPERTIES));
  }

  private static void reply(ChannelHandlerContext ctx, MqttConnAckMessage connack) {
    // MQTT 5 3.2.2.2: after a CONNACK with a reason code of 0x80 or more the server closes.
    ctx.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (!answered && ctx.channel().isActive()) {
      answered = true;
      service.metrics().rejected(RejectCause.TIMEOUT);
      LOG.debug(
          "{}: no CONNECT within {}; closing",
          ctx.channel().remoteAddress(),
          service.connectTimeout());
      ctx.close();
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("{}: connection error: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /**
   * The CONNECT's Maximum Packet Size: the largest packet the device accepts (unlimited when
   * absent).
   */
  private static long maximumPacketSize(MqttProperties props) {
    MqttProperties.MqttProperty<?> p =
        props.getProperty(MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE.value());
    return p != null && p.value() instanceof Integer i ? Integer.toUnsignedLong(i) : Long.MAX_VALUE;
  }

  private static long sessionExpiry(MqttProperties props) {
    MqttProperties.MqttProperty<?> p =
        props.getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value());
    return p != null && p.value() instanceof Integer i ? Integer.toUnsignedLong(i) : 0;
  }
}

package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.metrics.RejectCause;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.probe.ClientIdFeed;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.DeviceFacts;
import io.mqttdispatcher.dispatcher.routing.Route;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.mqttdispatcher.protocol.Transport;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Everything a device listener shares between its connections: where broker state comes from, how a
 * broker is chosen, and how the answer is built. Thread-safe; holds no per-connection state.
 */
public final class ConnectService {
  private final Transport transport;
  private final BrokerRegistry registry;
  private final BrokerPolicy policy;
  private final RedirectCode redirectCode;
  private final DispatcherMetrics metrics;
  private final Duration connectTimeout;
  private final Mqtt3Log mqtt3Log = new Mqtt3Log();
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final SourceRateLimit rateLimit;
  private final @Nullable Routing routing;
  private final @Nullable DeviceTable devices;
  private final ClientIdFeed clientIds;

  /** A service that tells no probe which devices it sent where. */
  public ConnectService(
      Transport transport,
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode redirectCode,
      DispatcherMetrics metrics,
      Duration connectTimeout,
      int maxPending,
      int maxConnectsPerSource) {
    this(
        transport,
        registry,
        policy,
        redirectCode,
        metrics,
        connectTimeout,
        maxPending,
        maxConnectsPerSource,
        null,
        null);
  }

  /**
   * @param routing the routing rules, or null to treat every broker as one pool (no extra cost per
   *     CONNECT)
   * @param devices where to record each redirect, or null to keep no record
   */
  public ConnectService(
      Transport transport,
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode redirectCode,
      DispatcherMetrics metrics,
      Duration connectTimeout,
      int maxPending,
      int maxConnectsPerSource,
      @Nullable Routing routing,
      @Nullable DeviceTable devices) {
    this(
        transport,
        registry,
        policy,
        redirectCode,
        metrics,
        connectTimeout,
        maxPending,
        maxConnectsPerSource,
        routing,
        devices,
        new ClientIdFeed(0));
  }

  /**
   * @param clientIds where the client id of each redirected device goes, for its broker's probe
   */
  public ConnectService(
      Transport transport,
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode redirectCode,
      DispatcherMetrics metrics,
      Duration connectTimeout,
      int maxPending,
      int maxConnectsPerSource,
      @Nullable Routing routing,
      @Nullable DeviceTable devices,
      ClientIdFeed clientIds) {
    this.routing = routing;
    this.devices = devices;
    this.transport = transport;
    this.clientIds = clientIds;
    this.registry = registry;
    this.policy = policy;
    this.redirectCode = redirectCode;
    this.metrics = metrics;
    this.connectTimeout = connectTimeout;
    this.maxPending = maxPending;
    this.rateLimit = new SourceRateLimit(maxConnectsPerSource);
  }

  Transport transport() {
    return transport;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  DispatcherMetrics metrics() {
    return metrics;
  }

  Mqtt3Log mqtt3Log() {
    return mqtt3Log;
  }

  /** The routing rules in force, or null when the dispatcher has no routing file. */
  @Nullable RoutingTable routingTable() {
    return routing == null ? null : routing.table();
  }

  /** Takes a place for a new connection waiting for its CONNECT; false when all are taken. */
  boolean admit() {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Whether {@code source} may open another connection this second. */
  boolean withinRate(InetAddress source, long nowNanos) {
    return rateLimit.allow(source, nowNanos);
  }

  /** Gives back the place of an admitted connection. */
  void release() {
    pending.decrementAndGet();
  }

  /** Connections admitted and not yet closed. */
  public int pending() {
    return pending.get();
  }

  /**
   * The CONNACK for an MQTT v5 device: a redirect to the chosen broker, or 0x88 when there is none.
   * The Reason String is left out when the packet would exceed the device's Maximum Packet Size
   * (MQTT 5 3.1.2.11.4: the server must not send a larger packet).
   */
  MqttConnAckMessage answer(ConnectFacts facts, long maximumPacketSize) {
    long start = System.nanoTime();
    List<BrokerView> usable = registry.snapshot().usable(transport, start);
    BrokerView broker = policy.choose(usable, facts, start);
    metrics.decisionNanos(System.nanoTime() - start);
    if (broker == null) {
      metrics.rejected(RejectCause.NO_BROKER);
      return refusal(
          MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5,
          "no broker available",
          maximumPacketSize);
    }
    if (devices != null) {
      devices.record(
          facts.clientId(), broker.id(), broker.group().name(), null, System.currentTimeMillis());
    }
    return redirect(broker, facts, maximumPacketSize);
  }

  /**
   * The CONNACK for an MQTT v5 device when routing rules are loaded: the rules pick the group, the
   * policy a broker inside it. No rule and no default: the table's refusal code (0x87 or 0x88); no
   * usable broker in the group: 0x88.
   */
  MqttConnAckMessage answer(
      ConnectFacts facts, DeviceFacts device, RoutingTable table, long maximumPacketSize) {
    long start = System.nanoTime();
    BrokerSnapshot snapshot = registry.snapshot();
    Route route = table.route(device, snapshot, start);
    String group = route.group();
    if (group == null) {
      metrics.decisionNanos(System.nanoTime() - start);
      metrics.rejected(RejectCause.NO_ROUTE);
      return refusal(table.refuse().code(), route.reason(), maximumPacketSize);
    }
    BrokerView broker = policy.choose(snapshot.usable(group, transport, start), facts, start);
    metrics.decisionNanos(System.nanoTime() - start);
    if (broker == null) {
      metrics.rejected(RejectCause.NO_BROKER);
      return refusal(
          MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5,
          "no broker available in group " + group,
          maximumPacketSize);
    }
    if (devices != null) {
      devices.record(
          facts.clientId(), broker.id(), group, route.ruleName(), System.currentTimeMillis());
    }
    return redirect(broker, facts, maximumPacketSize);
  }

  private MqttConnAckMessage redirect(
      BrokerView broker, ConnectFacts facts, long maximumPacketSize) {
    metrics.redirected(broker.id());
    // In a cluster group the session is on every node: moving the device costs it nothing.
    clientIds.sent(broker.id(), facts.clientId(), facts.hasSession() && !broker.group().cluster());
    String reference =
        Objects.requireNonNull(
            broker.endpoint(transport), "a usable broker has an endpoint for the transport");
    String reason = "use broker " + broker.id();
    MqttProperties props = new MqttProperties();
    props.add(
        new MqttProperties.StringProperty(
            MqttProperties.MqttPropertyType.SERVER_REFERENCE.value(), reference));
    if (maximumPacketSize == Long.MAX_VALUE
        || fits(utf8Length(reference), reason, maximumPacketSize)) {
      props.add(
          new MqttProperties.StringProperty(
              MqttProperties.MqttPropertyType.REASON_STRING.value(), reason));
    }
    return connack(redirectCode.code(), props);
  }

  private static MqttConnAckMessage refusal(
      MqttConnectReturnCode code, String reason, long maximumPacketSize) {
    return refusal(
        code,
        maximumPacketSize == Long.MAX_VALUE || fits(0, reason, maximumPacketSize) ? reason : null);
  }

  /** A refusing v5 CONNACK, with a Reason String unless {@code reason} is null. */
  static MqttConnAckMessage refusal(MqttConnectReturnCode code, @Nullable String reason) {
    MqttProperties props = new MqttProperties();
    if (reason != null) {
      props.add(
          new MqttProperties.StringProperty(
              MqttProperties.MqttPropertyType.REASON_STRING.value(), reason));
    }
    return connack(code, props);
  }

  private static boolean fits(int referenceBytes, String reason, long maximumPacketSize) {
    return connackSize(referenceBytes, reason) <= maximumPacketSize;
  }

  /**
   * Bytes of a v5 CONNACK with a Server Reference of {@code referenceBytes} (0 for none) and a
   * Reason String: fixed header (at most 2 bytes here), flags, reason code, properties length,
   * properties.
   */
  static long connackSize(int referenceBytes, String reason) {
    int props = (referenceBytes > 0 ? 3 + referenceBytes : 0) + 3 + utf8Length(reason);
    int remaining = 2 + (props < 128 ? 1 : 2) + props;
    return 1 + (remaining < 128 ? 1 : 2) + remaining;
  }

  private static int utf8Length(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  static MqttConnAckMessage connack(MqttConnectReturnCode code, MqttProperties props) {
    // Session Present is always 0: a refusing CONNACK must not set it.
    return new MqttConnAckMessage(
        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttConnAckVariableHeader(code, false, props));
  }
}

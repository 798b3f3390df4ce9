package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.config.Parking;
import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.decision.ConnectDecider;
import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.DecisionListener;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What every device listener shares, one instance per dispatcher: where broker state and the
 * routing table come from, the one {@link ConnectDecider}, who is told of each decision, how the
 * answer is encoded, and the admission limits (pending connections, connects per source address),
 * which hold across all listeners together. Thread-safe; holds no per-connection state.
 */
public final class ConnectService {
  private final BrokerRegistry registry;
  private final ConnectDecider decider;
  private final Supplier<RoutingTable> routing;
  private final RedirectCode redirectCode;
  private final DispatcherMetrics metrics;
  private final DecisionListener[] listeners;
  private final Admission admission;
  private final Mqtt3Log mqtt3Log = new Mqtt3Log();
  private final AtomicInteger pending = new AtomicInteger();
  private final SourceRateLimit rateLimit;
  private final ParkingLot parking;
  private final int releaseRate;
  private final Duration holdFor;
  // Owned by the registry's thread (brokersChanged).
  private @Nullable Set<String> usableAtLastWake;
  private boolean gatheringAtLastWake;

  /**
   * How connections are admitted before their CONNECT.
   *
   * @param connectTimeout how long a connection may take to send its CONNECT
   * @param maxPending connections waiting for their CONNECT at once, over every listener
   * @param maxConnectsPerSource new connections per source address per second (0: no limit)
   */
  public record Admission(Duration connectTimeout, int maxPending, int maxConnectsPerSource) {
    public Admission {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
    }
  }

  /**
   * @param routing the routing table in force, read once per CONNECT ({@link
   *     RoutingTable#onePool()} without a routing file)
   * @param metrics counts every decision, and the listeners' own rejections
   * @param parking how many CONNECTs may be held, and for how long, while no broker is usable
   * @param listeners told of each decision, in this order, after the metrics
   */
  public ConnectService(
      BrokerRegistry registry,
      ConnectDecider decider,
      Supplier<RoutingTable> routing,
      RedirectCode redirectCode,
      DispatcherMetrics metrics,
      Admission admission,
      Parking parking,
      List<DecisionListener> listeners) {
    this.registry = registry;
    this.decider = decider;
    this.routing = routing;
    this.redirectCode = redirectCode;
    this.metrics = metrics;
    this.admission = admission;
    List<DecisionListener> all = new ArrayList<>();
    all.add(metrics);
    all.addAll(listeners);
    this.listeners = all.toArray(new DecisionListener[0]);
    this.rateLimit = new SourceRateLimit(admission.maxConnectsPerSource());
    this.parking = new ParkingLot(parking.max());
    this.holdFor = parking.holdFor();
    this.releaseRate = parking.releaseRate();
    metrics.parking(this.parking::size);
    registry.onPublish(this::brokersChanged);
  }

  /**
   * A new snapshot, on the registry's thread. Held devices decide again only when it can change
   * their answer: a broker became usable that was not, or a gathering ended. Brokers that go on
   * reporting (every broker, every second) wake nobody, so the cost does not grow with the number
   * of brokers times the number of held devices.
   */
  private void brokersChanged() {
    if (parking.size() == 0) {
      usableAtLastWake = null; // unknown: the next held device is woken by any usable broker
      return;
    }
    BrokerSnapshot snapshot = registry.snapshot();
    long now = System.nanoTime();
    Set<String> usable = new HashSet<>();
    for (BrokerView b : snapshot.brokers()) {
      if (b.healthy() && !b.draining() && b.freshAt(now, registry.staleAfterNanos())) {
        usable.add(b.id());
      }
    }
    boolean gathering = snapshot.gathering();
    Set<String> before = usableAtLastWake;
    boolean newcomer = before == null ? !usable.isEmpty() : !before.containsAll(usable);
    boolean gatheringEnded = gatheringAtLastWake && !gathering;
    usableAtLastWake = usable;
    gatheringAtLastWake = gathering;
    if (newcomer || gatheringEnded) {
      parking.wake(releaseRate * usable.size());
    }
  }

  Duration connectTimeout() {
    return admission.connectTimeout();
  }

  DispatcherMetrics metrics() {
    return metrics;
  }

  Mqtt3Log mqtt3Log() {
    return mqtt3Log;
  }

  /** The routing table in force now: one read per CONNECT, so a reload never splits a decision. */
  RoutingTable routingTable() {
    return routing.get();
  }

  /** Takes a place for a new connection waiting for its CONNECT; false when all are taken. */
  boolean admit() {
    if (pending.incrementAndGet() > admission.maxPending()) {
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
   * Decides an MQTT v5 CONNECT. {@code table} is the one the facts were gathered for ({@link
   * #routingTable()}). The decision is not final until {@link #answered}: a device may be held.
   *
   * @param mayWait whether {@link Decision.Wait} may be the answer (the caller can hold the device)
   */
  Decision decide(RoutingTable table, ConnectFacts facts, boolean mayWait) {
    long start = System.nanoTime();
    Decision decision = decider.decide(registry.snapshot(), table, facts, start, mayWait);
    metrics.decisionNanos(System.nanoTime() - start);
    return decision;
  }

  /** Like {@link #decide}, for a held CONNECT: its routing rule's hit is not counted again. */
  Decision decideAgain(RoutingTable table, ConnectFacts facts, boolean mayWait) {
    long start = System.nanoTime();
    Decision decision = decider.decideAgain(registry.snapshot(), table, facts, start, mayWait);
    metrics.decisionNanos(System.nanoTime() - start);
    return decision;
  }

  /** Tells the metrics and the listeners that {@code decision} answers {@code facts}. */
  void answered(ConnectFacts facts, Decision decision) {
    for (DecisionListener l : listeners) {
      l.decided(facts, decision);
    }
  }

  /** Whether a connection could be held now, so that a decision may say to wait. */
  boolean mayHold() {
    return parking.hasRoom();
  }

  /**
   * Whether a device answered {@code decision} should rather be held: its group is gathering after
   * an outage, or none of its brokers is usable at all for now.
   */
  static boolean worthHolding(Decision decision) {
    return decision instanceof Decision.Wait
        || (decision instanceof Decision.Refuse r && r.outage());
  }

  /** Holds a connection; false when the parking lot is full. */
  boolean hold(ParkingLot.Parked p) {
    return parking.enter(p);
  }

  /** Lets a held connection go. */
  void unhold(ParkingLot.Parked p) {
    parking.leave(p);
  }

  /** The longest a connection is held. */
  Duration holdFor() {
    return holdFor;
  }

  /**
   * The CONNACK for a decision: a redirect with the broker's endpoint for the device's transport,
   * or the refusal. The Reason String is left out when the packet would exceed the device's Maximum
   * Packet Size (MQTT 5 3.1.2.11.4: the server must not send a larger packet).
   */
  MqttConnAckMessage connack(Decision decision, ConnectFacts facts, long maximumPacketSize) {
    if (decision instanceof Decision.Redirect r) {
      return redirect(r, facts, maximumPacketSize);
    }
    if (decision instanceof Decision.Wait w) {
      throw new IllegalArgumentException("a wait is not an answer: " + w.reason());
    }
    Decision.Refuse refuse = (Decision.Refuse) decision;
    return refusal(
        MqttConnectReturnCode.valueOf((byte) refuse.reasonCode()),
        refuse.reason(),
        maximumPacketSize);
  }

  private MqttConnAckMessage redirect(
      Decision.Redirect r, ConnectFacts facts, long maximumPacketSize) {
    String reference =
        Objects.requireNonNull(
            r.broker().endpoint(facts.transport()),
            "a usable broker has an endpoint for the transport");
    String reason = "use broker " + r.broker().id();
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
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  static MqttConnAckMessage connack(MqttConnectReturnCode code, MqttProperties props) {
    // Session Present is always 0: a refusing CONNACK must not set it.
    return new MqttConnAckMessage(
        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttConnAckVariableHeader(code, false, props));
  }
}

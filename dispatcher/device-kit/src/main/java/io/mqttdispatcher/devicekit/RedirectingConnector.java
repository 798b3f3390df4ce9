package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.MqttWebSocketConfigBuilder;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Connects an MQTT v5 device the way the dispatcher expects: CONNECT to the dispatcher, and when it
 * answers CONNACK 0x9C (Use another server) or 0x9D (Server moved) with a Server Reference, CONNECT
 * to the endpoint it names with the same client settings (identifier, credentials, TLS, WebSocket).
 * Several references are tried in order. When the broker is lost later, the device goes back
 * through the dispatcher (never straight to the old broker, which may be gone or draining).
 *
 * <pre>{@code
 * try (RedirectingConnector connector = RedirectingConnector.builder("dispatcher.example:1883")
 *         .client(b -> b.identifier("sensor-42"))
 *         .build();
 *     DeviceConnection device = connector.connect()) {
 *   device.client().publishWith().topic("sensors/42").payload(bytes).send();
 * }
 * }</pre>
 *
 * <p>Redirects are followed for at most {@link #DEFAULT_MAX_HOPS} hops; a reference back to an
 * endpoint that already redirected the device is a {@link RedirectLoopException}.
 */
public final class RedirectingConnector implements AutoCloseable {
  public static final int DEFAULT_MAX_HOPS = 3;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_RECONNECT_ATTEMPTS = 10;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

  /**
   * A landing shorter than this does not reset the backoff: a broker that accepts devices and drops
   * them at once sees each one back after ever longer waits, not in a tight loop.
   */
  public static final Duration DEFAULT_STABLE_AFTER = Duration.ofSeconds(20);

  /** QoS 1 and 2 publishes a device holds while it is between brokers. */
  public static final int DEFAULT_MAX_QUEUED = 100;

  private final List<Endpoint> dispatchers;
  private final UnaryOperator<Mqtt5ClientBuilder> settings;
  private final MqttClientTransportConfig transport;
  private final Mqtt5Connect connect;
  private final int maxHops;
  private final Duration connectTimeout;
  private final int reconnectAttempts;
  private final Backoff backoff;
  private final Duration stableAfter;
  private final int maxQueued;
  private final Consumer<DeviceConnection> onReconnected;
  private final ReconnectingListener onReconnecting;
  private final BiConsumer<DeviceConnection, ConnectFailedException> onGaveUp;
  private final @Nullable ScheduledExecutorService sharedReconnects;
  private @Nullable ScheduledExecutorService reconnector;
  private boolean closed;

  private RedirectingConnector(Builder b) {
    this.dispatchers = b.dispatchers;
    this.sharedReconnects = b.reconnectScheduler;
    this.connectTimeout = b.connectTimeout;
    this.settings = b.settings;
    // The HiveMQ client builder reports TLS and WebSocket set on it in its transport config only
    // when a server address is set after them; the host and port are replaced at every hop anyway.
    Endpoint first = dispatchers.get(0);
    this.transport =
        settings
            .apply(baseBuilder())
            .serverHost(first.host())
            .serverPort(first.port())
            .build()
            .getConfig()
            .getTransportConfig();
    this.connect = b.connect;
    this.maxHops = b.maxHops;
    this.reconnectAttempts = b.reconnectAttempts;
    this.backoff = new Backoff(Backoff.DEFAULT_INITIAL, b.maxBackoff);
    this.stableAfter = b.stableAfter;
    this.maxQueued = b.maxQueued;
    this.onReconnected = b.onReconnected;
    this.onReconnecting = b.onReconnecting;
    this.onGaveUp = b.onGaveUp;
  }

  /**
   * A connector for devices that reach the broker fleet through {@code dispatcher}: an endpoint as
   * in a Server Reference ({@code host:port}, {@code [ipv6]:port}, {@code ws://host:port/path}), or
   * several separated by spaces, tried in order.
   */
  public static Builder builder(String dispatcher) {
    return new Builder(ServerReference.parse(dispatcher));
  }

  /** A connector for devices that reach the broker fleet through {@code dispatcher}. */
  public static Builder builder(Endpoint dispatcher) {
    return new Builder(List.of(dispatcher));
  }

  /** The dispatcher endpoints, in the order they are tried. */
  public List<Endpoint> dispatchers() {
    return dispatchers;
  }

  /**
   * Connects through the dispatcher and follows its redirect. Blocks for at most the connect
   * timeout per endpoint tried.
   *
   * @throws ConnectFailedException refused (e.g. 0x88: no usable broker), unreachable, timed out,
   *     or a redirect loop ({@link RedirectLoopException})
   * @throws IllegalStateException the connector is closed: a device made now could not reconnect
   */
  public DeviceConnection connect() throws ConnectFailedException, InterruptedException {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException(
            "this connector is closed and would not reconnect the device; build a new one");
      }
    }
    DeviceConnection device = new DeviceConnection(this);
    device.land(land(device::lost));
    return device;
  }

  /**
   * One pass from the dispatcher to a broker; {@code onLost} hears when that broker drops the
   * device.
   */
  Landing land(Consumer<Mqtt5AsyncClient> onLost)
      throws ConnectFailedException, InterruptedException {
    long start = System.nanoTime();
    List<Endpoint> redirectedBy = new ArrayList<>();
    List<Endpoint> candidates = dispatchers;
    for (int hops = 0; ; hops++) {
      List<ConnectFailedException> failures = new ArrayList<>();
      for (Endpoint target : candidates) {
        if (visited(redirectedBy, target)) {
          continue;
        }
        AtomicBoolean established = new AtomicBoolean();
        Mqtt5AsyncClient client = newClient(target, established, onLost);
        Mqtt5ConnAck refusal;
        try {
          client.connect(connect).get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
          established.set(true);
          return new Landing(client, target, hops, System.nanoTime() - start);
        } catch (TimeoutException e) {
          client.disconnect();
          failures.add(
              new ConnectFailedException(
                  "no CONNACK from " + target + " within " + connectTimeout.toMillis() + " ms",
                  null,
                  e));
          continue;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof Mqtt5ConnAckException refused)) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            failures.add(
                new ConnectFailedException(
                    "cannot connect to " + target + ": " + cause.getMessage(), null, cause));
            continue;
          }
          refusal = refused.getMqttMessage();
        }
        if (!isRedirect(refusal.getReasonCode())) {
          failures.add(refused(target, refusal));
          continue;
        }
        redirectedBy.add(target);
        candidates = redirectTargets(target, refusal, redirectedBy, hops);
        failures.clear();
        break;
      }
      if (!failures.isEmpty()) {
        throw failures.size() == 1 ? failures.get(0) : allFailed(failures);
      }
      if (candidates.stream().allMatch(c -> visited(redirectedBy, c))) {
        throw new IllegalStateException("no endpoint left to try");
      }
    }
  }

  private List<Endpoint> redirectTargets(
      Endpoint from, Mqtt5ConnAck refusal, List<Endpoint> redirectedBy, int hops)
      throws ConnectFailedException {
    Mqtt5ConnAckReasonCode code = refusal.getReasonCode();
    String reason = refusal.getReasonString().map(r -> " (" + r + ")").orElse("");
    String reference = refusal.getServerReference().map(Object::toString).orElse("");
    if (reference.isBlank()) {
      throw new ConnectFailedException(
          from + " answered " + hex(code) + " " + code + " without a Server Reference" + reason,
          code,
          null);
    }
    List<Endpoint> next;
    try {
      next = ServerReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new ConnectFailedException(
          from + " sent an unusable Server Reference '" + reference + "': " + e.getMessage(),
          code,
          e);
    }
    if (next.stream().allMatch(e -> visited(redirectedBy, e))) {
      throw new RedirectLoopException(
          "redirect loop: "
              + describe(redirectedBy)
              + " -> "
              + next.get(0)
              + " again; an advertised broker endpoint points back at a dispatcher",
          code);
    }
    if (hops + 1 > maxHops) {
      throw new RedirectLoopException(
          "more than " + maxHops + " redirects: " + describe(redirectedBy) + " -> " + reference,
          code);
    }
    return next;
  }

  private static boolean isRedirect(Mqtt5ConnAckReasonCode code) {
    return code == Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER
        || code == Mqtt5ConnAckReasonCode.SERVER_MOVED;
  }

  private static boolean visited(List<Endpoint> path, Endpoint e) {
    return path.stream().anyMatch(e::sameSocket);
  }

  private static ConnectFailedException refused(Endpoint target, Mqtt5ConnAck refusal) {
    Mqtt5ConnAckReasonCode code = refusal.getReasonCode();
    String reason = refusal.getReasonString().map(r -> " (" + r + ")").orElse("");
    return new ConnectFailedException(
        target + " refused the connection: CONNACK " + hex(code) + " " + code + reason, code, null);
  }

  private static ConnectFailedException allFailed(List<ConnectFailedException> failures) {
    ConnectFailedException last = failures.get(failures.size() - 1);
    String each = String.join("; ", failures.stream().map(Throwable::getMessage).toList());
    ConnectFailedException all =
        new ConnectFailedException(
            "no endpoint answered: " + each, last.reasonCode().orElse(null), last);
    failures.subList(0, failures.size() - 1).forEach(all::addSuppressed);
    return all;
  }

  private Mqtt5ClientBuilder baseBuilder() {
    return MqttClient.builder()
        .useMqttVersion5()
        .transportConfig()
        .socketConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .applyTransportConfig();
  }

  private Mqtt5AsyncClient newClient(
      Endpoint target, AtomicBoolean established, Consumer<Mqtt5AsyncClient> onLost) {
    Mqtt5AsyncClient[] self = new Mqtt5AsyncClient[1];
    Mqtt5ClientBuilder builder =
        settings
            .apply(baseBuilder())
            .transportConfig(transportTo(transport, target))
            .addDisconnectedListener(
                context -> {
                  // Only a broker that had accepted the device can be "lost"; a refusing CONNACK is
                  // handled in land().
                  if (established.get() && context.getSource() != MqttDisconnectSource.USER) {
                    onLost.accept(self[0]);
                  }
                });
    self[0] = builder.buildAsync();
    return self[0];
  }

  /**
   * The device's transport settings aimed at {@code target}: a {@code host:port} keeps TLS and
   * WebSocket as configured; a WebSocket URI sets WebSocket with its path, and TLS for {@code wss}
   * (the device's TLS settings, or the defaults when it has none).
   */
  static MqttClientTransportConfig transportTo(MqttClientTransportConfig device, Endpoint target) {
    MqttClientTransportConfigBuilder t =
        device.extend().serverHost(target.host()).serverPort(target.port());
    if (target.kind() == Endpoint.Kind.HOST_PORT) {
      return t.build();
    }
    MqttWebSocketConfigBuilder ws =
        device
            .getWebSocketConfig()
            .map(MqttWebSocketConfig::extend)
            .orElseGet(MqttWebSocketConfig::builder);
    int query = target.path().indexOf('?');
    ws =
        ws.serverPath(query < 0 ? target.path() : target.path().substring(0, query))
            .queryString(query < 0 ? "" : target.path().substring(query + 1));
    MqttClientSslConfig tls =
        target.kind() == Endpoint.Kind.WSS
            ? device.getSslConfig().orElseGet(() -> MqttClientSslConfig.builder().build())
            : null;
    return t.webSocketConfig(ws.build()).sslConfig(tls).build();
  }

  synchronized void schedule(Runnable task, long delayMillis) {
    if (closed) {
      return;
    }
    if (sharedReconnects != null) {
      sharedReconnects.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      return;
    }
    if (reconnector == null) {
      reconnector =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "reconnect-" + dispatchers.get(0));
                t.setDaemon(true);
                return t;
              });
    }
    reconnector.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** The device's transport settings (TLS, WebSocket, timeouts), before a hop aims them. */
  MqttClientTransportConfig transport() {
    return transport;
  }

  int reconnectAttempts() {
    return reconnectAttempts;
  }

  Backoff backoff() {
    return backoff;
  }

  Duration stableAfter() {
    return stableAfter;
  }

  int maxQueued() {
    return maxQueued;
  }

  void reconnected(DeviceConnection device) {
    onReconnected.accept(device);
  }

  void reconnecting(
      DeviceConnection device, int attempt, long delayMillis, @Nullable ConnectFailedException e) {
    onReconnecting.reconnecting(device, attempt, Duration.ofMillis(delayMillis), e);
  }

  void gaveUp(DeviceConnection device, ConnectFailedException e) {
    onGaveUp.accept(device, e);
  }

  /**
   * Stops reconnecting devices made by this connector; does not disconnect them (close those
   * yourself). A scheduler given to {@link Builder#reconnectScheduler} is left running.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (reconnector != null) {
      reconnector.shutdownNow();
    }
  }

  private static String describe(List<Endpoint> path) {
    return String.join(" -> ", path.stream().map(Endpoint::toString).toList());
  }

  static String hex(Mqtt5ConnAckReasonCode code) {
    return String.format(Locale.ROOT, "0x%02X", code.getCode());
  }

  /** Hears each wait before a pass through the dispatcher after a broker loss. */
  @FunctionalInterface
  public interface ReconnectingListener {
    /**
     * @param attempt passes since the last landing that lasted {@link Builder#stableAfter}: 0 after
     *     a stable landing, more when the landings before did not last or passes failed
     * @param delay the wait before the pass
     * @param error why the last pass failed; null for the wait that follows the loss itself
     */
    void reconnecting(
        DeviceConnection device,
        int attempt,
        Duration delay,
        @Nullable ConnectFailedException error);
  }

  /** Where one pass through the dispatcher ended. */
  record Landing(Mqtt5AsyncClient client, Endpoint broker, int hops, long connectNanos) {}

  /** Settings of a {@link RedirectingConnector}; every one has a default. */
  public static final class Builder {
    private final List<Endpoint> dispatchers;
    private UnaryOperator<Mqtt5ClientBuilder> settings = UnaryOperator.identity();
    private Mqtt5Connect connect = Mqtt5Connect.builder().build();
    private int maxHops = DEFAULT_MAX_HOPS;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int reconnectAttempts = DEFAULT_RECONNECT_ATTEMPTS;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration stableAfter = DEFAULT_STABLE_AFTER;
    private int maxQueued = DEFAULT_MAX_QUEUED;
    private Consumer<DeviceConnection> onReconnected = d -> {};
    private ReconnectingListener onReconnecting = (d, attempt, delay, e) -> {};
    private BiConsumer<DeviceConnection, ConnectFailedException> onGaveUp = (d, e) -> {};
    private @Nullable ScheduledExecutorService reconnectScheduler;

    private Builder(List<Endpoint> dispatchers) {
      if (dispatchers.isEmpty()) {
        throw new IllegalArgumentException("no dispatcher endpoint");
      }
      this.dispatchers = List.copyOf(dispatchers);
    }

    /**
     * Client settings applied at every hop: identifier, credentials, TLS ({@code sslConfig}),
     * WebSocket ({@code webSocketConfig}), timeouts. The server host and port are the connector's;
     * a WebSocket reference sets the WebSocket path.
     */
    public Builder client(UnaryOperator<Mqtt5ClientBuilder> settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** The CONNECT sent at every hop (keep alive, clean start, session expiry, ...). */
    public Builder connectMessage(Mqtt5Connect connect) {
      this.connect = Objects.requireNonNull(connect, "connect");
      return this;
    }

    /** Redirects followed at most on one pass (1 is enough for one dispatcher tier). */
    public Builder maxHops(int maxHops) {
      if (maxHops < 1 || maxHops > 10) {
        throw new IllegalArgumentException("maxHops must be within 1..10, got " + maxHops);
      }
      this.maxHops = maxHops;
      return this;
    }

    /** Per endpoint tried: TCP connect plus CONNECT/CONNACK. */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * How many passes through the dispatcher after a broker is lost (0 disables reconnecting), and
     * the longest wait between two; waits grow from {@link Backoff#DEFAULT_INITIAL}, with jitter.
     */
    public Builder reconnectAttempts(int attempts, Duration maxBackoff) {
      if (attempts < 0 || attempts > 1000) {
        throw new IllegalArgumentException(
            "reconnect attempts must be within 0..1000, got " + attempts);
      }
      if (maxBackoff.compareTo(Backoff.DEFAULT_INITIAL) < 0) {
        throw new IllegalArgumentException(
            "max backoff must be at least "
                + Backoff.DEFAULT_INITIAL.toMillis()
                + " ms, got "
                + maxBackoff);
      }
      this.reconnectAttempts = attempts;
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * How long a landing must last to start the backoff again at its first wait. A loss sooner goes
     * on with the schedule, and that landing counts as a failed pass towards {@link
     * #reconnectAttempts}; {@code 0} makes every landing stable.
     */
    public Builder stableAfter(Duration stableAfter) {
      if (stableAfter.isNegative()) {
        throw new IllegalArgumentException("stable after must be 0 or more, got " + stableAfter);
      }
      this.stableAfter = stableAfter;
      return this;
    }

    /**
     * How many QoS 1 and 2 publishes {@link DeviceConnection#publish} holds while the device is
     * between brokers; one more fails at once with {@link PublishQueueFullException}.
     */
    public Builder maxQueued(int maxQueued) {
      if (maxQueued < 0) {
        throw new IllegalArgumentException("max queued must be 0 or more, got " + maxQueued);
      }
      this.maxQueued = maxQueued;
      return this;
    }

    /**
     * Called after the device reached a broker again (re-subscribe here: brokers do not share
     * sessions). An exception it throws is logged; the device stays on the broker.
     */
    public Builder onReconnected(Consumer<DeviceConnection> listener) {
      this.onReconnected = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Called before each wait after a broker loss, on the reconnect thread. */
    public Builder onReconnecting(ReconnectingListener listener) {
      this.onReconnecting = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Called once when the device stopped reconnecting: every pass failed, or its landings did not
     * last; the error says which. The device stays off until the application connects again.
     */
    public Builder onGaveUp(BiConsumer<DeviceConnection, ConnectFailedException> listener) {
      this.onGaveUp = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where this connector's reconnects run; each is a blocking pass through the dispatcher to a
     * broker. By default a connector starts one daemon thread of its own at its first reconnect,
     * which is right for a device. A process that holds many devices (a gateway, a load test) gives
     * all its connectors one scheduler instead, sized for the reconnects it wants at once, rather
     * than one thread per device after a broker failure. The connector never shuts it down.
     */
    public Builder reconnectScheduler(ScheduledExecutorService scheduler) {
      this.reconnectScheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public RedirectingConnector build() {
      return new RedirectingConnector(this);
    }
  }
}

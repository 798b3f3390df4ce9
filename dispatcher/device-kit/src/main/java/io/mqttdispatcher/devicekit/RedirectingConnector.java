package io.mqttdispatcher.loadgen.connect;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.cli.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Connects an MQTT v5 device the way the dispatcher expects: CONNECT to the dispatcher, and when it
 * answers CONNACK 0x9C (Use another server) or 0x9D (Server moved) with a Server Reference, CONNECT
 * to that {@code host:port} with the same client settings. When the broker is lost later, the
 * device goes back through the dispatcher (never straight to the old broker, which may be gone or
 * draining).
 *
 * <pre>{@code
 * try (RedirectingConnector connector = RedirectingConnector.builder(HostPort.parse("dispatcher:1883"))
 *         .client(b -> b.identifier("sensor-42"))
 *         .build();
 *     DeviceConnection device = connector.connect()) {
 *   device.client().publishWith().topic("sensors/42").payload(bytes).send();
 * }
 * }</pre>
 *
 * <p>Redirects are followed for at most {@link #DEFAULT_MAX_HOPS} hops; a reference back to an
 * endpoint already visited is a {@link RedirectLoopException}.
 */
public final class RedirectingConnector implements AutoCloseable {
  public static final int DEFAULT_MAX_HOPS = 3;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_RECONNECT_ATTEMPTS = 10;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

  private final HostPort dispatcher;
  private final UnaryOperator<Mqtt5ClientBuilder> settings;
  private final Mqtt5Connect connect;
  private final int maxHops;
  private final Duration connectTimeout;
  private final int reconnectAttempts;
  private final Duration maxBackoff;
  private final Consumer<DeviceConnection> onReconnected;
  private @Nullable ScheduledExecutorService reconnector;
  private boolean closed;

  private RedirectingConnector(Builder b) {
    this.dispatcher = b.dispatcher;
    this.settings = b.settings;
    this.connect = b.connect;
    this.maxHops = b.maxHops;
    this.connectTimeout = b.connectTimeout;
    this.reconnectAttempts = b.reconnectAttempts;
    this.maxBackoff = b.maxBackoff;
    this.onReconnected = b.onReconnected;
  }

  /** A connector for devices that reach the broker fleet through {@code dispatcher}. */
  public static Builder builder(HostPort dispatcher) {
    return new Builder(dispatcher);
  }

  public HostPort dispatcher() {
    return dispatcher;
  }

  /**
   * Connects through the dispatcher and follows its redirect. Blocks for at most the connect timeout
   * per hop.
   *
   * @throws ConnectFailedException refused (e.g. 0x88: no usable broker), unreachable, timed out, or
   *     a redirect loop
   */
  public DeviceConnection connect() throws ConnectFailedException, InterruptedException {
    DeviceConnection device = new DeviceConnection(this);
    device.land(land(device::lost));
    return device;
  }

  /** One pass from the dispatcher to a broker; {@code onLost} hears when that broker drops the device. */
  Landing land(Consumer<Mqtt5AsyncClient> onLost) throws ConnectFailedException, InterruptedException {
    long start = System.nanoTime();
    List<HostPort> path = new ArrayList<>(List.of(dispatcher));
    HostPort target = dispatcher;
    for (int hops = 0; ; hops++) {
      AtomicBoolean established = new AtomicBoolean();
      Mqtt5AsyncClient client = newClient(target, established, onLost);
      Mqtt5ConnAck refusal;
      try {
        client.connect(connect).get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        established.set(true);
        return new Landing(client, target, hops, System.nanoTime() - start);
      } catch (TimeoutException e) {
        client.disconnect();
        throw new ConnectFailedException("no CONNACK from " + target + " within " + connectTimeout.toMillis() + " ms", null, e);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof Mqtt5ConnAckException refused)) {
          throw new ConnectFailedException("cannot connect to " + target + ": " + e.getCause().getMessage(), null, e.getCause());
        }
        refusal = refused.getMqttMessage();
      }
      target = redirectTarget(target, refusal, path);
    }
  }

  private HostPort redirectTarget(HostPort from, Mqtt5ConnAck refusal, List<HostPort> path) throws ConnectFailedException {
    Mqtt5ConnAckReasonCode code = refusal.getReasonCode();
    String reason = refusal.getReasonString().map(r -> " (" + r + ")").orElse("");
    if (code != Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER && code != Mqtt5ConnAckReasonCode.SERVER_MOVED) {
      throw new ConnectFailedException(
          from + " refused the connection: CONNACK " + hex(code) + " " + code + reason, code, null);
    }
    Optional<String> reference = refusal.getServerReference().map(Object::toString);
    if (reference.isEmpty()) {
      throw new ConnectFailedException(from + " answered " + hex(code) + " " + code + " without a Server Reference" + reason, code, null);
    }
    HostPort next;
    try {
      next = ServerReference.parse(reference.get());
    } catch (IllegalArgumentException e) {
      throw new ConnectFailedException(from + " sent an unusable Server Reference '" + reference.get() + "': " + e.getMessage(), code, e);
    }
    if (path.contains(next)) {
      throw new RedirectLoopException("redirect loop: " + describe(path) + " -> " + next
          + " again; an advertised broker endpoint points back at a dispatcher", code);
    }
    if (path.size() > maxHops) {
      throw new RedirectLoopException("more than " + maxHops + " redirects: " + describe(path) + " -> " + next, code);
    }
    path.add(next);
    return next;
  }

  private Mqtt5AsyncClient newClient(HostPort target, AtomicBoolean established, Consumer<Mqtt5AsyncClient> onLost) {
    Mqtt5AsyncClient[] self = new Mqtt5AsyncClient[1];
    Mqtt5ClientBuilder builder = MqttClient.builder()
        .useMqttVersion5()
        .transportConfig()
        .socketConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .applyTransportConfig();
    builder = settings.apply(builder)
        .serverHost(target.host())
        .serverPort(target.port())
        .addDisconnectedListener(context -> {
          // Only a broker that had accepted the device can be "lost"; a refusing CONNACK is handled in land().
          if (established.get() && context.getSource() != MqttDisconnectSource.USER) {
            onLost.accept(self[0]);
          }
        });
    self[0] = builder.buildAsync();
    return self[0];
  }

  synchronized void schedule(Runnable task, long delayMillis) {
    if (closed) {
      return;
    }
    if (reconnector == null) {
      reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reconnect-" + dispatcher);
        t.setDaemon(true);
        return t;
      });
    }
    reconnector.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  int reconnectAttempts() {
    return reconnectAttempts;
  }

  Duration maxBackoff() {
    return maxBackoff;
  }

  void reconnected(DeviceConnection device) {
    onReconnected.accept(device);
  }

  /** Stops reconnecting devices made by this connector; does not disconnect them (close those yourself). */
  @Override
  public synchronized void close() {
    closed = true;
    if (reconnector != null) {
      reconnector.shutdownNow();
    }
  }

  private static String describe(List<HostPort> path) {
    return String.join(" -> ", path.stream().map(HostPort::toString).toList());
  }

  static String hex(Mqtt5ConnAckReasonCode code) {
    return String.format("0x%02X", code.getCode());
  }

  /** Where one pass through the dispatcher ended. */
  record Landing(Mqtt5AsyncClient client, HostPort broker, int hops, long connectNanos) {}

  /** Settings of a {@link RedirectingConnector}; every one has a default. */
  public static final class Builder {
    private final HostPort dispatcher;
    private UnaryOperator<Mqtt5ClientBuilder> settings = UnaryOperator.identity();
    private Mqtt5Connect connect = Mqtt5Connect.builder().build();
    private int maxHops = DEFAULT_MAX_HOPS;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int reconnectAttempts = DEFAULT_RECONNECT_ATTEMPTS;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Consumer<DeviceConnection> onReconnected = d -> {};

    private Builder(HostPort dispatcher) {
      this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    }

    /**
     * Client settings applied for every hop (identifier, credentials, TLS, ...). The server host
     * and port are set by the connector afterwards.
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

    public Builder maxHops(int maxHops) {
      if (maxHops < 1 || maxHops > 10) {
        throw new IllegalArgumentException("maxHops must be within 1..10, got " + maxHops);
      }
      this.maxHops = maxHops;
      return this;
    }

    /** Per hop: TCP connect plus CONNECT/CONNACK. */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** How many passes through the dispatcher after a broker is lost; 0 disables reconnecting. */
    public Builder reconnectAttempts(int attempts, Duration maxBackoff) {
      if (attempts < 0 || attempts > 1000) {
        throw new IllegalArgumentException("reconnect attempts must be within 0..1000, got " + attempts);
      }
      this.reconnectAttempts = attempts;
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /** Called after the device reached a broker again (re-subscribe here: brokers do not share sessions). */
    public Builder onReconnected(Consumer<DeviceConnection> listener) {
      this.onReconnected = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public RedirectingConnector build() {
      return new RedirectingConnector(this);
    }
  }
}

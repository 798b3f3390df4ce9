package io.mqttdispatcher.dispatcher;

import io.mqttdispatcher.dispatcher.admin.AdminServer;
import io.mqttdispatcher.dispatcher.admin.Placements;
import io.mqttdispatcher.dispatcher.config.AutoRebalanceBy;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.decision.ConnectDecider;
import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.DecisionListener;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.listener.ConnectService;
import io.mqttdispatcher.dispatcher.listener.DeviceListener;
import io.mqttdispatcher.dispatcher.listener.RedirectServer;
import io.mqttdispatcher.dispatcher.listener.TlsContexts;
import io.mqttdispatcher.dispatcher.listener.TransportSelection;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.BoundedLoad;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.SessionAffinityPolicy;
import io.mqttdispatcher.dispatcher.probe.ClientIdFeed;
import io.mqttdispatcher.dispatcher.probe.ProbeListenerTls;
import io.mqttdispatcher.dispatcher.probe.ProbeServer;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticRebalance;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrafficRebalance;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger;
import io.mqttdispatcher.dispatcher.rebalance.Rebalancer;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.dispatcher.routing.RoutingFileException;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.mqttdispatcher.protocol.Transport;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher: the device listener (Netty) and the control plane (Vert.x: probe server,
 * admin API, staleness timer), which owns the broker registry on a single event loop.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long STALE_CHECK_MS = 250;

  /** How often this replica checks whether a rebalance donor is within its thresholds. */
  private static final long THRESHOLD_CHECK_MS = 250;

  private final DispatcherOptions options;
  private final BrokerRegistry registry;
  private final DispatcherMetrics metrics;

  /** Client ids sent to each broker, on their way to its probe (v2). */
  private final ClientIdFeed clientIds = new ClientIdFeed(ClientIdFeed.DEFAULT_CAPACITY);

  private final Vertx vertx;

  /** The device listeners, in the order of {@link #deviceListeners}, and their bound ports. */
  private final Map<Transport, RedirectServer> listeners = new EnumMap<>(Transport.class);

  private final Map<Transport, Integer> ports = new EnumMap<>(Transport.class);
  private final ControlPlane controlPlane;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable Routing routing;
  private final @Nullable DeviceTable deviceTable;
  private final NetServerOptions probeListener;

  private Dispatcher(DispatcherOptions options, BrokerPolicy policy, @Nullable Routing routing) {
    this.options = options;
    this.routing = routing;
    this.deviceTable = options.deviceTable() > 0 ? new DeviceTable(options.deviceTable()) : null;
    this.registry =
        new BrokerRegistry(
            options.window(), options.staleAfter(), options.parking().effectiveGatherWindow());
    this.metrics =
        new DispatcherMetrics(
            "0x" + Integer.toHexString(options.redirectCode().code().byteValue() & 0xFF));
    this.controlPlane = new ControlPlane();
    if (policy instanceof SessionAffinityPolicy affinity) {
      metrics.sessionRecords(affinity.records());
    }
    TransportSelection transport = TransportSelection.choose(options.transport());
    metrics.deviceTransport(
        transport.transport().optionName(), options.transport().optionName(), transport.fallback());
    ConnectService service =
        new ConnectService(
            registry,
            new ConnectDecider(policy),
            routing != null ? routing::table : constant(RoutingTable.onePool()),
            options.redirectCode(),
            metrics,
            new ConnectService.Admission(
                options.connectTimeout(), options.maxPending(), options.maxConnectsPerSource()),
            options.parking(),
            decisionListeners());
    for (DeviceListener l : deviceListeners(options)) {
      listeners.put(
          l.transport(),
          new RedirectServer(
              l, transport.transport(), options.ioThreads(), service, options.maxConnectSize()));
    }
    this.probeListener = ProbeListenerTls.of(options);
    // Last: everything above may refuse the options, and nothing should be left running then.
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  }

  /** The device listeners the options ask for: MQTT always, TLS, WebSocket and secure WebSocket. */
  private static List<DeviceListener> deviceListeners(DispatcherOptions options) {
    List<DeviceListener> list = new ArrayList<>();
    list.add(DeviceListener.mqtt(options.listen()));
    SslContext tls =
        options.tlsListen() != null || options.wssListen() != null
            ? TlsContexts.server(options.tlsCert(), options.tlsKey())
            : null;
    if (options.tlsListen() != null) {
      list.add(new DeviceListener(Transport.MQTTS, options.tlsListen(), null, tls));
    }
    if (options.wsListen() != null) {
      list.add(new DeviceListener(Transport.WS, options.wsListen(), options.wsPath(), null));
    }
    if (options.wssListen() != null) {
      list.add(new DeviceListener(Transport.WSS, options.wssListen(), options.wsPath(), tls));
    }
    return list;
  }

  /**
   * Who follows the decisions besides the metrics: the device table ({@code GET /devices/{id}}) and
   * the feed of client ids to each broker's probe (evacuation finds devices through it).
   */
  private List<DecisionListener> decisionListeners() {
    List<DecisionListener> list = new ArrayList<>();
    if (deviceTable != null) {
      DeviceTable table = deviceTable;
      list.add(
          (facts, decision) -> {
            if (decision instanceof Decision.Redirect r) {
              table.record(
                  facts.clientId(),
                  r.broker().id(),
                  r.group(),
                  r.route().ruleName(),
                  System.currentTimeMillis());
            }
          });
    }
    list.add(
        (facts, decision) -> {
          if (decision instanceof Decision.Redirect r) {
            // In a cluster group the session is on every node: moving the device costs it nothing.
            clientIds.sent(
                r.broker().id(),
                facts.clientId(),
                facts.hasSession() && !r.broker().group().cluster());
          }
        });
    return list;
  }

  private static <T> Supplier<T> constant(T value) {
    return () -> value;
  }

  /** Starts a dispatcher with the policy its options name; returns once every listener is bound. */
  public static Dispatcher start(DispatcherOptions options) throws Exception {
    return start(options, options.createPolicy());
  }

  /** Starts a dispatcher with {@code policy}; returns once every listener is bound. */
  public static Dispatcher start(DispatcherOptions options, BrokerPolicy policy) throws Exception {
    Routing routing = null;
    if (options.routingFile() != null) {
      try {
        routing = Routing.start(options.routingFile(), Routing.DEFAULT_POLL);
      } catch (RoutingFileException e) {
        throw new IllegalArgumentException("--routing-file " + e.getMessage(), e);
      }
    }
    Dispatcher d;
    try {
      d = new Dispatcher(options, policy, routing);
    } catch (RuntimeException e) {
      if (routing != null) {
        routing.close();
      }
      throw e;
    }
    try {
      d.vertx
          .deployVerticle(d.controlPlane)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      for (Map.Entry<Transport, RedirectServer> l : d.listeners.entrySet()) {
        d.ports.put(l.getKey(), l.getValue().start());
      }
    } catch (Exception e) {
      d.close();
      throw e;
    }
    if (options.allow().allowsAll()) {
      LOG.warn(
          "no --allow given: devices may be sent to any endpoint a probe with the secret advertises");
    } else {
      LOG.info("redirect targets allowed: {}", options.allow());
    }
    return d;
  }

  /** Port of the MQTT over TCP device listener. */
  public int devicePort() {
    return port(Transport.MQTT);
  }

  /** Port of the WebSocket listener, or 0 when there is none. */
  public int webSocketPort() {
    return port(Transport.WS);
  }

  /** Port of the TLS listener, or 0 when there is none. */
  public int tlsPort() {
    return port(Transport.MQTTS);
  }

  /** Port of the secure WebSocket listener, or 0 when there is none. */
  public int secureWebSocketPort() {
    return port(Transport.WSS);
  }

  /** Port of the device listener for {@code transport}, or 0 when there is none. */
  public int port(Transport transport) {
    return ports.getOrDefault(transport, 0);
  }

  public int probePort() {
    return controlPlane.probePort;
  }

  public int adminPort() {
    return controlPlane.adminPort;
  }

  public BrokerRegistry registry() {
    return registry;
  }

  public DispatcherMetrics metrics() {
    return metrics;
  }

  /** The routing rules, or null when the dispatcher runs without a routing file. */
  public @Nullable Routing routing() {
    return routing;
  }

  /** Reloads the routing file now (SIGHUP); does nothing without one. */
  public void reloadRouting() {
    if (routing != null) {
      routing.reload();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // closing twice is harmless
    }
    if (routing != null) {
      routing.close();
    }
    for (RedirectServer l : listeners.values()) {
      l.close();
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("control plane did not stop cleanly: {}", e.toString());
    }
  }

  /** The single event loop that owns the registry: probe server, admin API, staleness timer. */
  private final class ControlPlane extends AbstractVerticle {
    private ProbeServer probes;
    private AdminServer admin;
    private volatile int probePort;
    private volatile int adminPort;

    @Override
    public void start(Promise<Void> started) {
      probes =
          new ProbeServer(
              vertx,
              options.probeListen(),
              probeListener,
              registry,
              options.allow(),
              options.probeSecret(),
              clientIds);
      Rebalancer rebalancer = new Rebalancer(registry, probes);
      admin =
          new AdminServer(
              vertx,
              options.adminListen(),
              registry,
              metrics,
              options.adminToken(),
              new Placements(
                  registry,
                  routing,
                  deviceTable,
                  () ->
                      options
                          .policy()
                          .create(options.window(), 0, new BoundedLoad(options.affinityEpsilon()))),
              probes,
              rebalancer);
      vertx.setPeriodic(THRESHOLD_CHECK_MS, t -> rebalancer.checkThresholds());
      AutomaticTrigger.Settings auto = options.autoRebalance();
      if (auto != null && options.autoRebalanceBy() == AutoRebalanceBy.LOAD) {
        AutomaticTrafficRebalance automatic =
            new AutomaticTrafficRebalance(
                new TrafficBalance.Settings(
                    auto.sustain(),
                    auto.coolDown(),
                    options.autoRebalanceLoadSpread(),
                    DispatcherOptions.DEFAULT_AUTO_REBALANCE_MIN_RATE,
                    DispatcherOptions.DEFAULT_AUTO_REBALANCE_SETTLE,
                    DispatcherOptions.DEFAULT_AUTO_REBALANCE_MOVES_WITHOUT_GAIN,
                    DispatcherOptions.DEFAULT_AUTO_REBALANCE_MAX_MOVES),
                rebalancer,
                registry,
                probes);
        admin.showAutomatic(automatic::status);
        vertx.setPeriodic(AutomaticRebalance.TICK_MS, t -> automatic.tick(System.nanoTime()));
        LOG.info(
            "automatic rebalance by load on: spread {} of the mean, after {}, cool-down {}",
            options.autoRebalanceLoadSpread(),
            auto.sustain(),
            auto.coolDown());
      } else if (auto != null) {
        AutomaticRebalance automatic = new AutomaticRebalance(auto, rebalancer, registry);
        admin.showAutomatic(automatic::status);
        vertx.setPeriodic(AutomaticRebalance.TICK_MS, t -> automatic.tick(System.nanoTime()));
        LOG.info("automatic rebalance on: {}", auto);
      }
      metrics.gauges(
          () -> registry.snapshot().usable(Transport.MQTT, System.nanoTime()).size(),
          probes::authenticatedConnections);
      vertx.setPeriodic(STALE_CHECK_MS, t -> registry.checkStale(System.nanoTime()));
      Future.all(probes.listen(), admin.listen())
          .onSuccess(
              f -> {
                probePort = f.resultAt(0);
                adminPort = f.resultAt(1);
                LOG.info(
                    "probe listener on {}:{}, admin HTTP on {}:{}",
                    options.probeListen().host(),
                    probePort,
                    options.adminListen().host(),
                    adminPort);
              })
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }
}

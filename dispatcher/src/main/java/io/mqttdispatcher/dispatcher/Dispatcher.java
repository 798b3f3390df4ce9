package io.mqttdispatcher.dispatcher;

import io.mqttdispatcher.dispatcher.admin.AdminServer;
import io.mqttdispatcher.dispatcher.admin.Placements;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.Placement;
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
    this.deviceTable =
        options.admin().deviceTable() > 0 ? new DeviceTable(options.admin().deviceTable()) : null;
    this.registry =
        new BrokerRegistry(
            options.placement().window(),
            options.probes().staleAfter(),
            options.parking().effectiveGatherWindow());
    this.metrics =
        new DispatcherMetrics(
            "0x"
                + Integer.toHexString(
                    options.placement().redirectCode().code().byteValue() & 0xFF));
    this.controlPlane = new ControlPlane();
    if (policy instanceof SessionAffinityPolicy affinity) {
      metrics.sessionRecords(affinity.records());
    }
    TransportSelection transport = TransportSelection.choose(options.listeners().transport());
    metrics.deviceTransport(
        transport.transport().optionName(),
        options.listeners().transport().optionName(),
        transport.fallback());
    ConnectService service =
        new ConnectService(
            registry,
            new ConnectDecider(policy),
            routing != null ? routing::table : constant(RoutingTable.onePool()),
            options.placement().redirectCode(),
            metrics,
            new ConnectService.Admission(
                options.limits().connectTimeout(),
                options.limits().maxPending(),
                options.limits().maxConnectsPerSource()),
            options.parking(),
            decisionListeners());
    for (DeviceListener l : deviceListeners(options)) {
      listeners.put(
          l.transport(),
          new RedirectServer(
              l,
              transport.transport(),
              options.listeners().ioThreads(),
              service,
              options.limits().maxConnectSize()));
    }
    this.probeListener = ProbeListenerTls.of(options.probes());
    // Last: everything above may refuse the options, and nothing should be left running then.
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  }

  /** The device listeners the options ask for: MQTT always, TLS, WebSocket and secure WebSocket. */
  private static List<DeviceListener> deviceListeners(DispatcherOptions options) {
    List<DeviceListener> list = new ArrayList<>();
    list.add(DeviceListener.mqtt(options.listeners().listen()));
    SslContext tls =
        options.listeners().tlsListen() != null || options.listeners().wssListen() != null
            ? TlsContexts.server(options.listeners().tlsCert(), options.listeners().tlsKey())
            : null;
    if (options.listeners().tlsListen() != null) {
      list.add(new DeviceListener(Transport.MQTTS, options.listeners().tlsListen(), null, tls));
    }
    if (options.listeners().wsListen() != null) {
      list.add(
          new DeviceListener(
              Transport.WS, options.listeners().wsListen(), options.listeners().wsPath(), null));
    }
    if (options.listeners().wssListen() != null) {
      list.add(
          new DeviceListener(
              Transport.WSS, options.listeners().wssListen(), options.listeners().wsPath(), tls));
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
    return start(options, options.placement().createPolicy());
  }

  /** Starts a dispatcher with {@code policy}; returns once every listener is bound. */
  public static Dispatcher start(DispatcherOptions options, BrokerPolicy policy) throws Exception {
    Routing routing = null;
    if (options.placement().routingFile() != null) {
      try {
        routing = Routing.start(options.placement().routingFile(), Routing.DEFAULT_POLL);
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
    if (options.probes().allow().allowsAll()) {
      LOG.warn(
          "no --allow given: devices may be sent to any endpoint a probe with the secret advertises");
    } else {
      LOG.info("redirect targets allowed: {}", options.probes().allow());
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
              options.probes().listen(),
              probeListener,
              registry,
              options.probes().allow(),
              options.probes().secret(),
              clientIds);
      Rebalancer rebalancer = new Rebalancer(registry, probes);
      admin =
          new AdminServer(
              vertx,
              options.admin().listen(),
              registry,
              metrics,
              options.admin().token(),
              new Placements(
                  registry,
                  routing,
                  deviceTable,
                  () -> {
                    Placement p = options.placement();
                    return p.policy().create(p.window(), 0, new BoundedLoad(p.affinityEpsilon()));
                  }),
              probes,
              rebalancer);
      vertx.setPeriodic(THRESHOLD_CHECK_MS, t -> rebalancer.checkThresholds());
      TrafficBalance.Settings byLoad = options.autoRebalance().byLoad();
      AutomaticTrigger.Settings byConnections = options.autoRebalance().byConnections();
      if (byLoad != null) {
        AutomaticTrafficRebalance automatic =
            new AutomaticTrafficRebalance(byLoad, rebalancer, registry, probes);
        admin.showAutomatic(automatic::status);
        vertx.setPeriodic(AutomaticRebalance.TICK_MS, t -> automatic.tick(System.nanoTime()));
        LOG.info(
            "automatic rebalance by load on: spread {} of the mean, after {}, cool-down {}",
            byLoad.spreadThreshold(),
            byLoad.sustain(),
            byLoad.coolDown());
      } else if (byConnections != null) {
        AutomaticRebalance automatic = new AutomaticRebalance(byConnections, rebalancer, registry);
        admin.showAutomatic(automatic::status);
        vertx.setPeriodic(AutomaticRebalance.TICK_MS, t -> automatic.tick(System.nanoTime()));
        LOG.info("automatic rebalance on: {}", byConnections);
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
                    options.probes().listen().host(),
                    probePort,
                    options.admin().listen().host(),
                    adminPort);
              })
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }
}

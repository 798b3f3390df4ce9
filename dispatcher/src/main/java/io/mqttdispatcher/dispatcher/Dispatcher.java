package io.mqttdispatcher.dispatcher;

import io.mqttdispatcher.dispatcher.admin.AdminServer;
import io.mqttdispatcher.dispatcher.admin.Placements;
import io.mqttdispatcher.dispatcher.config.AutoRebalanceBy;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.listener.ConnectService;
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
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;
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
  private final RedirectServer devices;
  private final @Nullable RedirectServer webSocketDevices;
  private final @Nullable RedirectServer tlsDevices;
  private final @Nullable RedirectServer secureWebSocketDevices;
  private int webSocketPort;
  private int tlsPort;
  private int secureWebSocketPort;
  private final ControlPlane controlPlane;
  private final @Nullable Routing routing;
  private final @Nullable DeviceTable deviceTable;
  private final NetServerOptions probeListener;
  private int devicePort;

  private Dispatcher(DispatcherOptions options, BrokerPolicy policy, @Nullable Routing routing) {
    this.options = options;
    this.routing = routing;
    this.deviceTable = options.deviceTable() > 0 ? new DeviceTable(options.deviceTable()) : null;
    this.registry = new BrokerRegistry(options.window(), options.staleAfter());
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
            Transport.MQTT,
            registry,
            policy,
            options.redirectCode(),
            metrics,
            options.connectTimeout(),
            options.maxPending(),
            options.maxConnectsPerSource(),
            routing,
            deviceTable,
            clientIds);
    this.devices =
        new RedirectServer(
            options.listen(),
            transport.transport(),
            options.ioThreads(),
            service,
            options.maxConnectSize());
    if (options.wsListen() != null) {
      ConnectService ws =
          new ConnectService(
              Transport.WS,
              registry,
              policy,
              options.redirectCode(),
              metrics,
              options.connectTimeout(),
              options.maxPending(),
              options.maxConnectsPerSource(),
              routing,
              deviceTable,
              clientIds);
      this.webSocketDevices =
          new RedirectServer(
              options.wsListen(),
              transport.transport(),
              options.ioThreads(),
              ws,
              options.maxConnectSize(),
              options.wsPath(),
              null);
    } else {
      this.webSocketDevices = null;
    }
    if (options.tlsListen() != null) {
      ConnectService tls =
          new ConnectService(
              Transport.MQTTS,
              registry,
              policy,
              options.redirectCode(),
              metrics,
              options.connectTimeout(),
              options.maxPending(),
              options.maxConnectsPerSource(),
              routing,
              deviceTable,
              clientIds);
      this.tlsDevices =
          new RedirectServer(
              options.tlsListen(),
              transport.transport(),
              options.ioThreads(),
              tls,
              options.maxConnectSize(),
              null,
              TlsContexts.server(options.tlsCert(), options.tlsKey()));
    } else {
      this.tlsDevices = null;
    }
    if (options.wssListen() != null) {
      ConnectService wss =
          new ConnectService(
              Transport.WSS,
              registry,
              policy,
              options.redirectCode(),
              metrics,
              options.connectTimeout(),
              options.maxPending(),
              options.maxConnectsPerSource());
      this.secureWebSocketDevices =
          new RedirectServer(
              options.wssListen(),
              transport.transport(),
              options.ioThreads(),
              wss,
              options.maxConnectSize(),
              options.wsPath(),
              TlsContexts.server(options.tlsCert(), options.tlsKey()));
    } else {
      this.secureWebSocketDevices = null;
    }
    this.probeListener = ProbeListenerTls.of(options);
    // Last: everything above may refuse the options, and nothing should be left running then.
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
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
      d.devicePort = d.devices.start();
      if (d.webSocketDevices != null) {
        d.webSocketPort = d.webSocketDevices.start();
      }
      if (d.tlsDevices != null) {
        d.tlsPort = d.tlsDevices.start();
      }
      if (d.secureWebSocketDevices != null) {
        d.secureWebSocketPort = d.secureWebSocketDevices.start();
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

  public int devicePort() {
    return devicePort;
  }

  /** Port of the WebSocket listener, or 0 when there is none. */
  public int webSocketPort() {
    return webSocketPort;
  }

  /** Port of the TLS listener, or 0 when there is none. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Port of the secure WebSocket listener, or 0 when there is none. */
  public int secureWebSocketPort() {
    return secureWebSocketPort;
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
    if (routing != null) {
      routing.close();
    }
    devices.close();
    if (webSocketDevices != null) {
      webSocketDevices.close();
    }
    if (tlsDevices != null) {
      tlsDevices.close();
    }
    if (secureWebSocketDevices != null) {
      secureWebSocketDevices.close();
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
        rebalancer.showAutomatic(automatic::status);
        vertx.setPeriodic(AutomaticRebalance.TICK_MS, t -> automatic.tick(System.nanoTime()));
        LOG.info(
            "automatic rebalance by load on: spread {} of the mean, after {}, cool-down {}",
            options.autoRebalanceLoadSpread(),
            auto.sustain(),
            auto.coolDown());
      } else if (auto != null) {
        AutomaticRebalance automatic = new AutomaticRebalance(auto, rebalancer, registry);
        rebalancer.showAutomatic(automatic::status);
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

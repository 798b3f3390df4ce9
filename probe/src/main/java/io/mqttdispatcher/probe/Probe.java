package io.mqttdispatcher.probe;

import io.mqttdispatcher.probe.check.BrokerCheck;
import io.mqttdispatcher.probe.check.BrokerWatch;
import io.mqttdispatcher.probe.config.MetricsSource;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.probe.config.Sampling;
import io.mqttdispatcher.probe.evict.BrokerLog;
import io.mqttdispatcher.probe.evict.EvictionRunner;
import io.mqttdispatcher.probe.evict.KnownClients;
import io.mqttdispatcher.probe.evict.MqttTakeover;
import io.mqttdispatcher.probe.evict.ProbeControl;
import io.mqttdispatcher.probe.evict.StateFile;
import io.mqttdispatcher.probe.metrics.MetricsPoller;
import io.mqttdispatcher.probe.report.ChangeRateRule;
import io.mqttdispatcher.probe.report.ControlChannel;
import io.mqttdispatcher.probe.report.DispatcherLinks;
import io.mqttdispatcher.probe.report.LoadReporter;
import io.mqttdispatcher.probe.sample.CpuMath;
import io.mqttdispatcher.probe.sample.HostSampler;
import io.mqttdispatcher.probe.sample.LoadSampler;
import io.mqttdispatcher.probe.sample.ProcessSampler;
import io.mqttdispatcher.probe.sys.SysSubscriber;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProbeState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * A running probe: the load sampler and its schedule, the broker liveness check, the optional
 * {@code $SYS} subscriber (or, with a metrics endpoint, its poller and a watch connection), and the
 * connections to every dispatcher. {@link #close()} closes the report connections first, so
 * dispatchers forget the broker at once.
 */
public final class Probe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Probe.class);

  private final Vertx vertx;
  private final DispatcherLinks links;
  private final BrokerCheck check;
  private final @Nullable SysSubscriber sys;
  private final @Nullable MetricsPoller metrics;
  private final @Nullable BrokerWatch watch;
  private final LoadReporter reporter;
  private final KnownClients known;
  private final ProbeControl control;
  private final @Nullable EvictionRunner evictions;

  private Probe(ProbeOptions options) {
    // One event loop is plenty: a handful of sockets, one line per interval each. Native epoll is
    // used where available (it comes with the dispatcher module).
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true));
    LoadSampler sampler = sampler(options.sampling());
    this.known = new KnownClients(options.eviction().maxKnownClients());
    this.links =
        new DispatcherLinks(
            vertx,
            options.reporting().dispatchers(),
            options.broker().id(),
            options.reporting().secret(),
            options.reporting().tls(),
            controlChannel());
    // The check reports changes only after start(), when the reporter exists.
    this.check =
        new BrokerCheck(
            options.broker().check(), options.reporting().interval(), healthy -> healthChanged());
    BrokerLog brokerLog = new BrokerLog(known);
    MetricsSource source = options.sampling().metrics();
    this.metrics =
        source == null
            ? null
            : new MetricsPoller(source.url(), source.names(), options.reporting().interval());
    // With a metrics endpoint the broker is not Mosquitto: no $SYS subscriber, whose own
    // connection would also be in the endpoint's count.
    this.sys =
        options.sampling().sysTopics() && metrics == null
            ? new SysSubscriber(
                options.broker().check(),
                check::checkNow,
                brokerLog::line,
                options.broker().username(),
                options.broker().password())
            : null;
    // Without $SYS nothing else holds a connection to the broker: a watch tells the check at once
    // when the broker dies, as the $SYS connection dropping does for Mosquitto.
    this.watch =
        metrics == null
            ? null
            : new BrokerWatch(
                options.broker().check(),
                check::checkNow,
                options.broker().username(),
                options.broker().password());
    LoadReporter.Sources sources = figures(check, sys, metrics, watch);
    this.reporter =
        new LoadReporter(
            sampler,
            sources,
            options.broker().endpoints(),
            options.broker().capacity(),
            options.broker().group(),
            options.reporting().interval(),
            new ChangeRateRule(
                options.reporting().minChange(),
                options.reporting().heartbeat(),
                options.reporting().interval()),
            links);
    Path statePath = options.eviction().stateFile();
    StateFile stateFile = statePath == null ? null : new StateFile(statePath);
    this.control = // before start(): no command arrives earlier
        new ProbeControl(
            () -> {
              if (stateFile != null) {
                stateFile.save(state());
              }
              reporter.stateChanged();
            });
    if (stateFile != null) {
      stateFile.load().ifPresent(control::restore);
    }
    reporter.carryState(control::state);
    this.evictions =
        options.eviction().evictor().equals("none")
            ? null
            : new EvictionRunner(
                control,
                known,
                new MqttTakeover(
                    options.broker().check(),
                    options.broker().username(),
                    options.broker().password()),
                sources.connections());
    LOG.info(
        "probe for broker '{}' sampling {}; {}",
        options.broker().id(),
        sampler.describe(),
        options);
  }

  /**
   * Connections and message rate from the metrics endpoint (less the watch's own connection), else
   * from $SYS, else none.
   */
  private static LoadReporter.Sources figures(
      BrokerCheck check,
      @Nullable SysSubscriber sys,
      @Nullable MetricsPoller metrics,
      @Nullable BrokerWatch watch) {
    if (metrics != null) {
      return new LoadReporter.Sources(
          check::healthy, () -> withoutWatch(metrics.connections(), watch), metrics::msgRate);
    }
    if (sys != null) {
      return new LoadReporter.Sources(check::healthy, sys::connections, sys::msgRate);
    }
    return new LoadReporter.Sources(
        check::healthy, OptionalLong::empty, now -> OptionalDouble.empty());
  }

  private static OptionalLong withoutWatch(OptionalLong connections, @Nullable BrokerWatch watch) {
    if (connections.isEmpty() || watch == null || !watch.connected()) {
      return connections;
    }
    return OptionalLong.of(Math.max(0, connections.getAsLong() - 1));
  }

  /** Commands and client ids from v2 dispatchers; a plan stops when the last dispatcher is lost. */
  private ControlChannel controlChannel() {
    return new ControlChannel() {
      @Override
      public ProbeMessage.Ack command(ProbeMessage.Command command) {
        if (evictions == null && command.plan() != null) {
          return new ProbeMessage.Ack(
              command.id(), false, "this probe runs with --evictor none", control.state());
        }
        return control.apply(command);
      }

      @Override
      public void clients(ProbeMessage.Clients clients) {
        clients.ids().forEach(id -> known.connected(id, false));
        clients.sessions().forEach(id -> known.connected(id, true));
      }

      @Override
      public void readyConnections(int count) {
        if (count == 0) {
          control.dispatchersLost();
        }
      }
    };
  }

  /** The state this probe carries to every dispatcher. */
  public ProbeState state() {
    return control.state();
  }

  /** Client ids this probe knows on its broker. */
  public int knownClients() {
    return known.size();
  }

  private void healthChanged() {
    reporter.healthChanged();
  }

  /**
   * Starts a probe with {@code options}; returns at once, connections are made in the background.
   */
  public static Probe start(ProbeOptions options) {
    Probe probe = new Probe(options);
    // The broker check, the dispatcher connections and the first report first: they decide how
    // soon a restarted broker is usable again. $SYS, metrics and evictions follow.
    probe.check.start();
    probe.links.start();
    probe.reporter.start();
    if (probe.sys != null) {
      probe.sys.start();
    }
    if (probe.watch != null) {
      probe.watch.start();
    }
    if (probe.metrics != null) {
      probe.metrics.start();
    }
    if (probe.evictions != null) {
      probe.evictions.start();
    }
    return probe;
  }

  private static LoadSampler sampler(Sampling sampling) {
    SystemInfo system = new SystemInfo();
    HardwareAbstractionLayer hardware = system.getHardware();
    int cpus = hardware.getProcessor().getLogicalProcessorCount();
    Double brokerCores = sampling.brokerCores();
    if (brokerCores != null && brokerCores > cpus) {
      LOG.warn(
          "--broker-cores {} is more than this host's {} logical processors; using {}",
          brokerCores,
          cpus,
          cpus);
    }
    double cores = CpuMath.usableCores(brokerCores, cpus);
    if (sampling.pid() != null) {
      return ProcessSampler.byPid(
          system.getOperatingSystem(), hardware.getMemory(), cores, cpus, sampling.pid());
    }
    if (sampling.processName() != null) {
      return ProcessSampler.byName(
          system.getOperatingSystem(), hardware.getMemory(), cores, cpus, sampling.processName());
    }
    return new HostSampler(hardware.getProcessor(), hardware.getMemory(), cores);
  }

  /**
   * Stops reporting: closes the dispatcher connections (waiting up to 5 s), then everything else.
   */
  @Override
  public void close() {
    if (evictions != null) {
      evictions.close();
    }
    reporter.close();
    try {
      links.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("report connections did not close cleanly: {}", e.toString());
    }
    check.close();
    if (sys != null) {
      sys.close();
    }
    if (watch != null) {
      watch.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("event loop did not stop cleanly: {}", e.toString());
    }
  }
}

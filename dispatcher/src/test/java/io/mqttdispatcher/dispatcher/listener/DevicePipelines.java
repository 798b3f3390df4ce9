package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.config.Parking;
import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.decision.ConnectDecider;
import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.DecisionListener;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Device pipelines on in-memory channels, for tests and benchmarks outside this package. */
public final class DevicePipelines {
  private DevicePipelines() {}

  /**
   * A service without routing rules or device table, with no per-source limit, answering every
   * CONNECT at once (no parking).
   */
  public static ConnectService service(
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode code,
      DispatcherMetrics metrics,
      Duration connectTimeout,
      int maxPending) {
    RoutingTable onePool = RoutingTable.onePool();
    return new ConnectService(
        registry,
        new ConnectDecider(policy),
        () -> onePool,
        code,
        metrics,
        new ConnectService.Admission(connectTimeout, maxPending, 0),
        Parking.OFF,
        List.of());
  }

  public static EmbeddedChannel embedded(
      BrokerRegistry registry, BrokerPolicy policy, RedirectCode code, DispatcherMetrics metrics) {
    return new EmbeddedChannel(
        new DeviceChannelInitializer(
            service(registry, policy, code, metrics, Duration.ofSeconds(5), 1_000_000), 65536));
  }

  /**
   * A pipeline whose service routes by {@code routing} (or not, when null) and records redirects in
   * {@code devices}, as the dispatcher wires it.
   */
  public static EmbeddedChannel embedded(
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode code,
      DispatcherMetrics metrics,
      @Nullable Routing routing,
      @Nullable DeviceTable devices) {
    RoutingTable onePool = RoutingTable.onePool();
    DecisionListener record =
        (facts, decision) -> {
          if (devices != null && decision instanceof Decision.Redirect r) {
            devices.record(
                facts.clientId(),
                r.broker().id(),
                r.group(),
                r.route().ruleName(),
                System.currentTimeMillis());
          }
        };
    ConnectService service =
        new ConnectService(
            registry,
            new ConnectDecider(policy),
            routing != null ? routing::table : () -> onePool,
            code,
            metrics,
            new ConnectService.Admission(Duration.ofSeconds(5), 1_000_000, 0),
            Parking.OFF,
            List.of(record));
    return new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));
  }
}

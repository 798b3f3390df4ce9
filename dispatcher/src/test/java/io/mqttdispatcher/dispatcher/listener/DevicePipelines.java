package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.protocol.Transport;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A device pipeline on an in-memory channel, for benchmarks outside this package. */
public final class DevicePipelines {
  private DevicePipelines() {}

  public static EmbeddedChannel embedded(
      BrokerRegistry registry, BrokerPolicy policy, RedirectCode code, DispatcherMetrics metrics) {
    ConnectService service =
        new ConnectService(
            Transport.MQTT, registry, policy, code, metrics, Duration.ofSeconds(5), 1_000_000, 0);
    return new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));
  }

  /**
   * A pipeline whose service routes by {@code routing} (or not, when null) and records redirects in
   * {@code devices}.
   */
  public static EmbeddedChannel embedded(
      BrokerRegistry registry,
      BrokerPolicy policy,
      RedirectCode code,
      DispatcherMetrics metrics,
      @Nullable Routing routing,
      @Nullable DeviceTable devices) {
    ConnectService service =
        new ConnectService(
            Transport.MQTT,
            registry,
            policy,
            code,
            metrics,
            Duration.ofSeconds(5),
            1_000_000,
            0,
            routing,
            devices);
    return new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));
  }
}

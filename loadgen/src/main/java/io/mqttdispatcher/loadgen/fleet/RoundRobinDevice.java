package io.mqttdispatcher.loadgen.fleet;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.devicekit.Backoff;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A device that finds its broker by DNS round-robin: every attempt connects to the next address the
 * name resolves to, dead or alive. After a loss it tries again at once, after a failure with the
 * same backoff as a {@link DispatchedDevice}.
 */
final class RoundRobinDevice implements FleetDevice {
  private final int index;
  private final FleetOptions options;
  private final EntryPoint.Resolver resolver;
  private final DeviceEvents events;
  private final ScheduledExecutorService timer;
  private final Mqtt5Connect connect;
  private final Backoff backoff;
  private volatile @Nullable Mqtt5AsyncClient client;
  private volatile boolean closed;
  private int failures;

  /**
   * @param timer runs retries; connects are asynchronous, so it never blocks
   */
  RoundRobinDevice(
      int index,
      FleetOptions options,
      EntryPoint.Resolver resolver,
      DeviceEvents events,
      ScheduledExecutorService timer) {
    this.index = index;
    this.options = options;
    this.resolver = resolver;
    this.events = events;
    this.timer = timer;
    this.backoff = options.backoff();
    this.connect = Mqtt5Connect.builder().keepAlive((int) options.keepAlive().toSeconds()).build();
  }

  @Override
  public void start() {
    attempt();
  }

  private void attempt() {
    if (closed) {
      return;
    }
    HostPort target = resolver.next();
    long timeout = options.connectTimeout().toMillis();
    Mqtt5AsyncClient c =
        AttemptWatcher.watch(MqttClient.builder().useMqttVersion5(), index, events, this::lost)
            .identifier(options.clientId(index))
            .serverHost(target.host())
            .serverPort(target.port())
            .transportConfig()
            .socketConnectTimeout(timeout, TimeUnit.MILLISECONDS)
            .mqttConnectTimeout(timeout, TimeUnit.MILLISECONDS)
            .applyTransportConfig()
            .buildAsync();
    client = c;
    c.connect(connect)
        .whenComplete(
            (ack, error) -> {
              if (error == null) {
                failures = 0;
                if (closed) {
                  c.disconnect();
                }
                return;
              }
              failures++;
              timer.schedule(
                  this::attempt, backoff.delayMillis(failures - 1), TimeUnit.MILLISECONDS);
            });
  }

  /** The broker closed the connection: look the name up again and connect, at once. */
  private void lost() {
    timer.execute(this::attempt);
  }

  @Override
  public void close() {
    closed = true;
    Mqtt5AsyncClient c = client;
    if (c != null && c.getState().isConnected()) {
      c.disconnect();
    }
  }
}

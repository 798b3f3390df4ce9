package io.mqttdispatcher.loadgen.fleet;

import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.devicekit.Backoff;
import io.mqttdispatcher.devicekit.ConnectFailedException;
import io.mqttdispatcher.devicekit.DeviceConnection;
import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.devicekit.RedirectingConnector;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A device that reaches its broker through the dispatcher, as device code does with {@link
 * RedirectingConnector}: the connector follows the redirect, and after a broker loss its {@link
 * DeviceConnection} goes back through the dispatcher by itself.
 */
final class DispatchedDevice implements FleetDevice {
  private final RedirectingConnector connector;
  private final Backoff backoff;
  private final Executor connecting;
  private final ScheduledExecutorService timer;
  private volatile @Nullable DeviceConnection connection;
  private volatile boolean closed;
  private int failures;

  /**
   * @param connecting where the blocking first connect runs
   * @param timer schedules a retry of the first connect after a failure
   * @param reconnects runs the passes back through the dispatcher after a broker loss, shared by
   *     the fleet
   */
  DispatchedDevice(
      int index,
      FleetOptions options,
      HostPort dispatcher,
      DeviceEvents events,
      Executor connecting,
      ScheduledExecutorService timer,
      ScheduledExecutorService reconnects) {
    this.backoff = options.backoff();
    this.connecting = connecting;
    this.timer = timer;
    this.connector =
        RedirectingConnector.builder(Endpoint.of(dispatcher.host(), dispatcher.port()))
            .client(
                b ->
                    AttemptWatcher.watch(
                        b.identifier(options.clientId(index)), index, events, () -> {}))
            .connectMessage(
                Mqtt5Connect.builder().keepAlive((int) options.keepAlive().toSeconds()).build())
            .connectTimeout(options.connectTimeout())
            .reconnectAttempts(RECONNECT_ATTEMPTS, options.maxBackoff())
            .reconnectScheduler(reconnects)
            .build();
  }

  @Override
  public void start() {
    if (closed) {
      return;
    }
    try {
      DeviceConnection c = connector.connect();
      connection = c;
      if (closed) {
        c.close();
      }
    } catch (ConnectFailedException e) {
      // The device kit's connector leaves the first connect to its caller: retry on its schedule.
      failures++;
      timer.schedule(
          () -> connecting.execute(this::start),
          backoff.delayMillis(failures - 1),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    connector.close();
    DeviceConnection c = connection;
    if (c != null) {
      c.close();
    }
  }
}

package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A device connected to a broker through the dispatcher. {@link #client()} is the client for the
 * broker the device is on now: after the broker is lost, the connection goes back through the
 * dispatcher and {@link #client()} changes.
 */
public final class DeviceConnection implements AutoCloseable {
  // System.Logger: the kit needs no logging library; SLF4J users add slf4j-jdk-platform-logging.
  private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());

  private final RedirectingConnector connector;
  private final AtomicInteger reconnects = new AtomicInteger();
  private volatile RedirectingConnector.@Nullable Landing current;
  private volatile boolean closed;
  private volatile boolean reconnecting;

  DeviceConnection(RedirectingConnector connector) {
    this.connector = connector;
  }

  void land(RedirectingConnector.Landing landing) {
    current = landing;
  }

  /** The client connected to the current broker. */
  public Mqtt5AsyncClient client() {
    return landing().client();
  }

  /** The broker the device is on now. */
  public Endpoint broker() {
    return landing().broker();
  }

  /**
   * Redirects followed on the last pass (1 through a dispatcher, 0 when connected straight to a
   * broker).
   */
  public int hops() {
    return landing().hops();
  }

  /** Time from the first CONNECT to the broker's CONNACK on the last pass. */
  public Duration connectTime() {
    return Duration.ofNanos(landing().connectNanos());
  }

  /** How many times the device went back through the dispatcher after losing its broker. */
  public int reconnects() {
    return reconnects.get();
  }

  /**
   * Whether the device is on a broker now (false while it is going back through the dispatcher).
   */
  public boolean isConnected() {
    return !closed && !reconnecting && client().getState().isConnected();
  }

  private RedirectingConnector.Landing landing() {
    RedirectingConnector.Landing l = current;
    if (l == null) {
      throw new IllegalStateException("not connected yet");
    }
    return l;
  }

  void lost(Mqtt5AsyncClient client) {
    RedirectingConnector.Landing l = current;
    if (closed || l == null || l.client() != client) {
      return;
    }
    reconnecting = true;
    if (connector.reconnectAttempts() == 0) {
      LOG.log(Level.INFO, () -> "lost broker " + l.broker() + "; reconnecting is off");
      return;
    }
    // The first pass waits a first backoff too (100-200 ms by default): the broker's probe sees the
    // same
    // loss and needs a moment to tell the dispatcher, which would otherwise send a device that
    // returns at
    // once straight back to the dead broker; the jitter also spreads the herd of devices that lost
    // it.
    long delay = connector.backoff().delayMillis(0);
    LOG.log(
        Level.INFO,
        () ->
            "lost broker "
                + l.broker()
                + ", going back through the dispatcher "
                + connector.dispatchers()
                + " in "
                + delay
                + " ms");
    connector.schedule(() -> reconnect(1), delay);
  }

  private void reconnect(int attempt) {
    if (closed) {
      return;
    }
    try {
      RedirectingConnector.Landing next = connector.land(this::lost);
      current = next;
      reconnecting = false;
      reconnects.incrementAndGet();
      LOG.log(Level.INFO, () -> "reconnected through the dispatcher to broker " + next.broker());
      if (closed) {
        next.client().disconnect();
        return;
      }
      connector.reconnected(this);
    } catch (ConnectFailedException e) {
      if (attempt >= connector.reconnectAttempts()) {
        LOG.log(
            Level.WARNING,
            () ->
                "gave up reconnecting through the dispatcher "
                    + connector.dispatchers()
                    + " after "
                    + attempt
                    + " attempts: "
                    + e.getMessage());
        return;
      }
      long delay = connector.backoff().delayMillis(attempt);
      LOG.log(
          Level.DEBUG,
          () ->
              "reconnect attempt "
                  + attempt
                  + " failed ("
                  + e.getMessage()
                  + "), next in "
                  + delay
                  + " ms");
      connector.schedule(() -> reconnect(attempt + 1), delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Disconnects from the broker and stops reconnecting. */
  @Override
  public void close() {
    closed = true;
    RedirectingConnector.Landing l = current;
    if (l != null && l.client().getState().isConnected()) {
      l.client().disconnect();
    }
  }
}

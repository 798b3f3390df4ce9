package io.mqttdispatcher.loadgen.connect;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.mqttdispatcher.cli.HostPort;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device connected to a broker through the dispatcher. {@link #client()} is the client for the
 * broker the device is on now: after the broker is lost, the connection goes back through the
 * dispatcher and {@link #client()} changes.
 */
public final class DeviceConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);
  private static final long FIRST_BACKOFF_MS = 100;

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
  public HostPort broker() {
    return landing().broker();
  }

  /** Redirects followed on the last pass (1 through a dispatcher, 0 when connected straight to a broker). */
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

  /** Whether the device is on a broker now (false while it is going back through the dispatcher). */
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
    LOG.info("lost broker {}, going back through dispatcher {}", l.broker(), connector.dispatcher());
    connector.schedule(() -> reconnect(1), 0);
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
      LOG.info("reconnected through dispatcher {} to broker {}", connector.dispatcher(), next.broker());
      if (closed) {
        next.client().disconnect();
        return;
      }
      connector.reconnected(this);
    } catch (ConnectFailedException e) {
      if (attempt >= connector.reconnectAttempts()) {
        LOG.warn("gave up reconnecting through dispatcher {} after {} attempts: {}",
            connector.dispatcher(), attempt, e.getMessage());
        return;
      }
      long cap = connector.maxBackoff().toMillis();
      long backoff = Math.min(cap, FIRST_BACKOFF_MS << Math.min(attempt - 1, 20));
      long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      LOG.debug("reconnect attempt {} failed ({}), next in {} ms", attempt, e.getMessage(), jittered);
      connector.schedule(() -> reconnect(attempt + 1), jittered);
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

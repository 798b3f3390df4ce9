package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A device connected to a broker through the dispatcher. {@link #client()} is the client for the
 * broker the device is on now: after the broker is lost, the connection goes back through the
 * dispatcher and {@link #client()} changes. {@link #publish} outlives that change: a QoS 1 or 2
 * publish made between brokers waits for the next one.
 */
public final class DeviceConnection implements AutoCloseable {
  // System.Logger: the kit needs no logging library; SLF4J users add slf4j-jdk-platform-logging.
  private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());

  private final RedirectingConnector connector;
  private final AtomicInteger reconnects = new AtomicInteger();
  private final ArrayDeque<QueuedPublish> queued = new ArrayDeque<>();
  private volatile RedirectingConnector.@Nullable Landing current;
  private volatile long landedAtNanos;
  private volatile boolean closed;
  private volatile boolean reconnecting;
  // guarded by queued
  private boolean betweenBrokers;
  // passes since the last landing that lasted stableAfter; touched by one reconnect at a time
  private volatile int failedPasses;

  DeviceConnection(RedirectingConnector connector) {
    this.connector = connector;
  }

  void land(RedirectingConnector.Landing landing) {
    current = landing;
    landedAtNanos = System.nanoTime();
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

  /**
   * Publishes on the current broker. While the device is between brokers a QoS 1 or 2 publish is
   * held, in order, and sent on the next broker the device lands on; the future completes when that
   * broker acknowledges it. It fails with {@link PublishQueueFullException} at once when {@link
   * RedirectingConnector.Builder#maxQueued} publishes already wait, and with {@link
   * ConnectFailedException} when the device gives up or is closed first. A QoS 0 publish between
   * brokers fails at once.
   */
  public CompletableFuture<Mqtt5PublishResult> publish(Mqtt5Publish publish) {
    synchronized (queued) {
      RedirectingConnector.Landing l = current;
      if (!betweenBrokers && !closed && l != null && l.client().getState().isConnected()) {
        return l.client().publish(publish);
      }
      if (publish.getQos() == MqttQos.AT_MOST_ONCE) {
        return CompletableFuture.failedFuture(
            new ConnectFailedException(
                "not on a broker: QoS 0 publish to " + publish.getTopic() + " dropped",
                null,
                null));
      }
      if (closed) {
        return CompletableFuture.failedFuture(
            new ConnectFailedException("the device is closed", null, null));
      }
      if (queued.size() >= connector.maxQueued()) {
        return CompletableFuture.failedFuture(
            new PublishQueueFullException(
                queued.size() + " publishes already wait for the next broker (maxQueued)"));
      }
      QueuedPublish q = new QueuedPublish(publish, new CompletableFuture<>());
      queued.add(q);
      return q.result();
    }
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
    synchronized (queued) {
      betweenBrokers = true;
    }
    reconnecting = true;
    if (connector.reconnectAttempts() == 0) {
      giveUp(
          new ConnectFailedException(
              "lost broker " + l.broker() + "; reconnecting is off", null, null));
      return;
    }
    // The first pass waits a first backoff too (100-200 ms by default): the broker's probe sees the
    // same loss and needs a moment to tell the dispatcher, which would otherwise send a device that
    // returns at once straight back to the dead broker; the jitter also spreads the herd of devices
    // that lost it. A loss after a landing that lasted stableAfter starts the schedule again; one
    // after a landing that did not last goes on with it, so a broker that accepts and drops devices
    // is not flooded by them.
    long heldNanos = System.nanoTime() - landedAtNanos;
    boolean stable = heldNanos >= connector.stableAfter().toNanos();
    int attempt = stable ? 0 : failedPasses;
    String held = String.format(Locale.ROOT, "%.1f s", heldNanos / 1e9);
    if (attempt >= connector.reconnectAttempts()) {
      giveUp(
          new ConnectFailedException(
              "broker "
                  + l.broker()
                  + " dropped the device "
                  + held
                  + " after it landed; "
                  + attempt
                  + " landings in a row did not last "
                  + connector.stableAfter().toSeconds()
                  + " s",
              null,
              null));
      return;
    }
    long delay = connector.backoff().delayMillis(attempt);
    LOG.log(
        Level.INFO,
        () ->
            "lost broker "
                + l.broker()
                + " after "
                + held
                + ", going back through the dispatcher "
                + connector.dispatchers()
                + " in "
                + delay
                + " ms (attempt "
                + attempt
                + ")");
    notifyReconnecting(attempt, delay, null);
    connector.schedule(() -> reconnect(attempt), delay);
  }

  private void reconnect(int attempt) {
    if (closed) {
      return;
    }
    try {
      RedirectingConnector.Landing next = connector.land(this::lost);
      land(next);
      failedPasses = attempt + 1;
      reconnecting = false;
      reconnects.incrementAndGet();
      LOG.log(Level.INFO, () -> "reconnected through the dispatcher to broker " + next.broker());
      if (closed) {
        next.client().disconnect();
        return;
      }
      flush(next.client()); // first: publishes made in onReconnected go straight to the broker
      try {
        connector.reconnected(this);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "onReconnected threw on broker " + next.broker(), e);
      }
    } catch (ConnectFailedException e) {
      int nextAttempt = attempt + 1;
      if (nextAttempt >= connector.reconnectAttempts()) {
        giveUp(e);
        return;
      }
      long delay = connector.backoff().delayMillis(nextAttempt);
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
      notifyReconnecting(nextAttempt, delay, e);
      connector.schedule(() -> reconnect(nextAttempt), delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void notifyReconnecting(int attempt, long delay, @Nullable ConnectFailedException e) {
    try {
      connector.reconnecting(this, attempt, delay, e);
    } catch (RuntimeException thrown) {
      LOG.log(Level.WARNING, "onReconnecting threw", thrown);
    }
  }

  private void giveUp(ConnectFailedException e) {
    LOG.log(
        Level.WARNING,
        () ->
            "gave up reconnecting through the dispatcher "
                + connector.dispatchers()
                + ": "
                + e.getMessage());
    failQueued(e);
    try {
      connector.gaveUp(this, e);
    } catch (RuntimeException thrown) {
      LOG.log(Level.WARNING, "onGaveUp threw", thrown);
    }
  }

  private void flush(Mqtt5AsyncClient client) {
    synchronized (queued) {
      betweenBrokers = false;
      for (QueuedPublish q = queued.poll(); q != null; q = queued.poll()) {
        CompletableFuture<Mqtt5PublishResult> result = q.result();
        client
            .publish(q.publish())
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    result.completeExceptionally(e);
                  } else {
                    result.complete(r);
                  }
                });
      }
    }
  }

  private void failQueued(Exception e) {
    List<QueuedPublish> failed;
    synchronized (queued) {
      failed = new ArrayList<>(queued);
      queued.clear();
    }
    failed.forEach(q -> q.result().completeExceptionally(e));
  }

  /** Disconnects from the broker and stops reconnecting; publishes still queued fail. */
  @Override
  public void close() {
    closed = true;
    failQueued(
        new ConnectFailedException("the device was closed before it reached a broker", null, null));
    RedirectingConnector.Landing l = current;
    if (l != null && l.client().getState().isConnected()) {
      l.client().disconnect();
    }
  }

  private record QueuedPublish(
      Mqtt5Publish publish, CompletableFuture<Mqtt5PublishResult> result) {}
}

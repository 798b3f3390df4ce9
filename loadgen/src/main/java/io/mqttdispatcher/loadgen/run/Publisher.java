package io.mqttdispatcher.loadgen.run;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.devicekit.ConnectFailedException;
import io.mqttdispatcher.devicekit.DeviceConnection;
import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.devicekit.RedirectingConnector;
import io.mqttdispatcher.loadgen.scenario.PlannedPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One publisher: connects with a {@link RedirectingConnector}, then sends at its rate for its
 * duration. Sending is paced against the clock every tick, so a slow tick is caught up; what cannot
 * be caught up within {@link #MAX_CATCH_UP_SECONDS} is counted as missed, never silently dropped.
 */
final class Publisher {
  static final long TICK_MILLIS = 10;
  private static final double MAX_CATCH_UP_SECONDS = 0.2;

  /**
   * Publishes handed to the client but not yet written; above this the machine is not keeping up.
   */
  private static final int MAX_IN_FLIGHT = 20_000;

  private final PlannedPublisher plan;
  private final String topic;
  private final ByteBuffer payload;
  private final MqttQos qos;
  private final long originNanos;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private long scheduled;
  private long missed;
  private long sendStartNanos;
  private long sendEndNanos;
  private volatile boolean done;
  private volatile @Nullable DeviceConnection device;
  private @Nullable RedirectingConnector connector;
  private @Nullable ScheduledFuture<?> ticks;
  private double connectMillis = -1;
  private double startSecond = -1;
  private int hops;
  private @Nullable String error;

  Publisher(PlannedPublisher plan, String topicPrefix, long originNanos) {
    this.plan = plan;
    this.topic = topicPrefix + "/" + plan.id();
    this.payload = ByteBuffer.wrap(new byte[plan.group().payloadBytes()]).asReadOnlyBuffer();
    this.qos = MqttQos.fromCode(plan.group().qos());
    this.originNanos = originNanos;
  }

  PlannedPublisher plan() {
    return plan;
  }

  /** The topic it publishes on, its own. */
  String topic() {
    return topic;
  }

  /**
   * Connects through {@code entry} (the dispatcher, or a broker directly) and starts sending on
   * {@code ticker}.
   */
  void start(HostPort entry, String clientId, ScheduledExecutorService ticker)
      throws InterruptedException {
    connector =
        RedirectingConnector.builder(Endpoint.of(entry.host(), entry.port()))
            .client(b -> b.identifier(clientId))
            .build();
    try {
      DeviceConnection d = connector.connect();
      device = d;
      connectMillis = d.connectTime().toNanos() / 1e6;
      hops = d.hops();
    } catch (ConnectFailedException e) {
      error = e.getMessage();
      done = true;
      return;
    }
    sendStartNanos = System.nanoTime();
    startSecond = (sendStartNanos - originNanos) / 1e9;
    sendEndNanos = sendStartNanos + plan.group().duration().toNanos();
    ticks = ticker.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    long now = System.nanoTime();
    DeviceConnection d = device;
    if (now >= sendEndNanos || d == null) {
      finish();
      return;
    }
    double rate = plan.group().rate();
    long due = (long) ((now - sendStartNanos) / 1e9 * rate) - scheduled;
    long maxBurst = Math.max(1, (long) (rate * MAX_CATCH_UP_SECONDS));
    if (due > maxBurst) {
      missed += due - maxBurst;
      scheduled += due - maxBurst;
      due = maxBurst;
    }
    if (inFlight.get() > MAX_IN_FLIGHT) {
      return; // the backlog grows and turns into "missed" above if it does not clear
    }
    for (long i = 0; i < due; i++) {
      inFlight.incrementAndGet();
      d.client()
          .publishWith()
          .topic(topic)
          .qos(qos)
          .payload(payload.duplicate())
          .send()
          .whenComplete(
              (r, e) -> {
                inFlight.decrementAndGet();
                (e == null ? sent : failed).incrementAndGet();
              });
    }
    scheduled += due;
  }

  private synchronized void finish() {
    if (done) {
      return;
    }
    done = true;
    if (ticks != null) {
      ticks.cancel(false);
    }
    DeviceConnection d = device;
    if (d != null) {
      d.close();
    }
    if (connector != null) {
      connector.close();
    }
  }

  /** Stops at once (end of run or abort). */
  void stop() {
    finish();
  }

  boolean isDone() {
    return done;
  }

  boolean isSending() {
    return !done && device != null;
  }

  /**
   * The endpoint this publisher is connected to now (a broker, or the load balancer in front of
   * them), or null.
   */
  @Nullable HostPort broker() {
    DeviceConnection d = device;
    return d == null || done ? null : new HostPort(d.broker().host(), d.broker().port());
  }

  long sent() {
    return sent.get();
  }

  PublisherResult result() {
    DeviceConnection d = device;
    double seconds = (Math.min(System.nanoTime(), sendEndNanos) - sendStartNanos) / 1e9;
    double achieved = d == null || seconds <= 0 ? 0 : sent.get() / seconds;
    return new PublisherResult(
        plan.id(),
        plan.group().name(),
        plan.position(),
        plan.group().rate(),
        achieved,
        sent.get(),
        failed.get(),
        missed,
        d == null ? null : d.broker().toString(),
        hops,
        connectMillis,
        startSecond,
        error);
  }
}

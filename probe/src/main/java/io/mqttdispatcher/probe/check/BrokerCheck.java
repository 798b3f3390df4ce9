package io.mqttdispatcher.probe.check;

import io.mqttdispatcher.cli.HostPort;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every interval that the broker answers an MQTT v5 CONNECT with a CONNACK, on a Vert.x
 * context. The broker is unhealthy until the first check passes; each change is logged once and
 * handed to the listener at once, so the next report can say so without waiting for the interval.
 * At most one check is in flight: a check slower than the interval skips the ticks it overlaps.
 */
public final class BrokerCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerCheck.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Lower bound of the per-check timeout; the timeout is otherwise one interval. */
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Context context;
  private final HostPort target;
  private final Duration interval;
  private final Duration timeout;
  private final Consumer<Boolean> onChange;
  private final NetClient client;
  private volatile boolean healthy;
  private boolean inFlight;
  private boolean everChecked;
  private long timer = -1;
  private boolean closed;

  /**
   * @param onChange called on the check's context with the new state whenever it changes (and once
   *     after the first check)
   */
  public BrokerCheck(Vertx vertx, HostPort target, Duration interval, Consumer<Boolean> onChange) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.target = target;
    this.interval = interval;
    this.timeout = interval.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : interval;
    this.onChange = onChange;
    this.client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) timeout.toMillis())
        .setTcpNoDelay(true));
  }

  /** Runs the first check now and then one per interval. */
  public void start() {
    context.runOnContext(v -> {
      timer = vertx.setPeriodic(interval.toMillis(), t -> runOnce());
      runOnce();
    });
  }

  /** Checks now instead of waiting for the next tick, e.g. when another connection to the broker dropped. */
  public void checkNow() {
    context.runOnContext(v -> runOnce());
  }

  /** The result of the last finished check; false before the first. */
  public boolean healthy() {
    return healthy;
  }

  public HostPort target() {
    return target;
  }

  private void runOnce() {
    if (inFlight || closed) {
      return;
    }
    inFlight = true;
    roundTrip().onComplete(ar -> {
      inFlight = false;
      if (closed) {
        return;
      }
      boolean answered = ar.succeeded() && ar.result();
      String why = ar.succeeded() ? "it refused clients (CONNACK server unavailable or busy, or not MQTT)" : ar.cause().getMessage();
      record(answered, why);
    });
  }

  private void record(boolean answered, String why) {
    boolean changed = !everChecked || answered != healthy;
    everChecked = true;
    healthy = answered;
    if (changed) {
      if (answered) {
        LOG.info("broker at {} answers: healthy", target);
      } else {
        LOG.warn("broker at {} does not answer: unhealthy ({})", target, why);
      }
      onChange.accept(answered);
    }
  }

  /** One CONNECT/CONNACK exchange; succeeds with the verdict, fails on no answer within the timeout. */
  private Future<Boolean> roundTrip() {
    Promise<Boolean> verdict = Promise.promise();
    long deadline = vertx.setTimer(timeout.toMillis(),
        t -> verdict.tryFail("no CONNACK within " + timeout.toMillis() + " ms"));
    client.connect(target.port(), target.host()).onComplete(ar -> {
      if (ar.failed()) {
        verdict.tryFail(ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage());
        return;
      }
      NetSocket socket = ar.result();
      Buffer received = Buffer.buffer();
      socket.handler(bytes -> {
        received.appendBuffer(bytes);
        Boolean answer = ConnAckVerdict.read(received);
        if (answer != null && verdict.tryComplete(answer)) {
          socket.write(ConnAckVerdict.disconnect()).onComplete(w -> socket.close());
        }
      });
      socket.closeHandler(v -> verdict.tryFail("the broker closed the connection without a CONNACK"));
      socket.exceptionHandler(e -> verdict.tryFail(e.toString()));
      verdict.future().onFailure(e -> socket.close());
      socket.write(ConnAckVerdict.connect(newClientId()));
    });
    return verdict.future().onComplete(v -> vertx.cancelTimer(deadline));
  }

  private static String newClientId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "dprobe-" + HexFormat.of().formatHex(bytes); // 23 characters
  }

  @Override
  public void close() {
    context.runOnContext(v -> {
      closed = true;
      vertx.cancelTimer(timer);
    });
    client.close();
  }
}

package io.mqttdispatcher.probe.check;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.wire.ConnAck;
import io.mqttdispatcher.wire.MalformedPacketException;
import io.mqttdispatcher.wire.MqttV5Packets;
import io.mqttdispatcher.wire.ReasonCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every interval that the broker answers an MQTT v5 CONNECT with a CONNACK. The exchange is
 * a few bytes on a plain socket with timeouts, on a thread of its own, so a hung broker never
 * delays sampling or reporting (and the per-interval cost is a fraction of what a full client stack
 * would spend). The broker is unhealthy until the first check passes; each change is logged once
 * and handed to the listener at once, so the next report can say so without waiting for the
 * interval. Checks never overlap: one slower than the interval delays the next.
 *
 * <p>While the broker does not answer, the next check comes after {@link #RETRY_UNHEALTHY} instead
 * of a whole interval: a broker that restarts beside its probe is reported usable within a moment
 * of its listener opening, not up to an interval later. A refused connection costs microseconds; a
 * hung broker is still asked at most once per timeout.
 */
public final class BrokerCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerCheck.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How soon an unhealthy broker is checked again. */
  static final Duration RETRY_UNHEALTHY = Duration.ofMillis(100);

  /** Lower bound of the per-check timeout; the timeout is otherwise one interval. */
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  private final HostPort target;
  private final Duration interval;
  private final int timeoutMillis;
  private final Consumer<Boolean> onChange;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "broker-check");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean extraQueued = new AtomicBoolean();
  private volatile boolean healthy;
  private boolean everChecked;

  /**
   * @param onChange called on the check thread with the new state whenever it changes (and once
   *     after the first check)
   */
  public BrokerCheck(HostPort target, Duration interval, Consumer<Boolean> onChange) {
    this.target = target;
    this.interval = interval;
    this.timeoutMillis = (int) Math.max(MIN_TIMEOUT.toMillis(), interval.toMillis());
    this.onChange = onChange;
  }

  /**
   * Runs the first check now, then one per interval while the broker answers and one per {@link
   * #RETRY_UNHEALTHY} while it does not.
   */
  public void start() {
    thread.execute(this::runAndReschedule);
  }

  private void runAndReschedule() {
    runOnce();
    long next =
        healthy ? interval.toMillis() : Math.min(interval.toMillis(), RETRY_UNHEALTHY.toMillis());
    try {
      thread.schedule(this::runAndReschedule, next, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile: no more checks
    }
  }

  /**
   * Checks now instead of waiting for the next tick, e.g. when another connection to the broker
   * dropped.
   */
  public void checkNow() {
    if (extraQueued.compareAndSet(false, true) && !thread.isShutdown()) {
      thread.execute(
          () -> {
            extraQueued.set(false);
            runOnce();
          });
    }
  }

  /** The result of the last finished check; false before the first. */
  public boolean healthy() {
    return healthy;
  }

  private void runOnce() {
    boolean answered;
    String why = "";
    try {
      answered = roundTrip();
      if (!answered) {
        why = "it refused clients (CONNACK server unavailable or busy) or is not an MQTT broker";
      }
    } catch (SocketTimeoutException e) {
      answered = false;
      why = "no CONNACK within " + timeoutMillis + " ms";
    } catch (IOException e) {
      answered = false;
      why = e.getMessage() == null ? e.toString() : e.getMessage();
    } catch (RuntimeException e) {
      // Never let the schedule die (scheduleWithFixedDelay stops after an exception).
      answered = false;
      why = e.toString();
    }
    record(answered, why);
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

  /**
   * One CONNECT/CONNACK exchange; true when the broker accepts clients. Any CONNACK counts as an
   * answer except Server unavailable and Server busy: a refusal for credentials still proves the
   * broker works. Bytes that are not a CONNACK mean something else listens there.
   */
  private boolean roundTrip() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write(MqttV5Packets.connect(newClientId(), 0)); // no keep alive: one round trip
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] received = new byte[256];
      int length = 0;
      while (true) {
        int left = (int) TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new SocketTimeoutException();
        }
        if (length == received.length) {
          received =
              Arrays.copyOf(
                  received, Math.min(received.length * 2, ConnAck.MAX_REMAINING_LENGTH + 5));
        }
        socket.setSoTimeout(left);
        int n = in.read(received, length, received.length - length);
        if (n < 0) {
          throw new IOException("the broker closed the connection without a CONNACK");
        }
        length += n;
        ConnAck ack;
        try {
          ack = ConnAck.parse(received, length);
        } catch (MalformedPacketException e) {
          LOG.debug("{} does not answer like an MQTT broker: {}", target, e.getMessage());
          return false;
        }
        if (ack != null) {
          boolean accepts =
              ack.reasonCode() != ReasonCodes.SERVER_UNAVAILABLE
                  && ack.reasonCode() != ReasonCodes.SERVER_BUSY;
          if (accepts) {
            out.write(MqttV5Packets.disconnect());
          }
          return accepts;
        }
      }
    }
  }

  private static String newClientId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "dprobe-" + HexFormat.of().formatHex(bytes); // 23 characters
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

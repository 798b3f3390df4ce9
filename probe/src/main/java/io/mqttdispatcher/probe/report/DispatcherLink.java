package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.backoff.Backoff;
import io.mqttdispatcher.protocol.ErrorCode;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one dispatcher address: connect, answer the challenge, wait for the welcome,
 * then write the reports it is given. Whenever the connection fails or ends it reconnects after a
 * {@link Backoff} delay; the delay grows until a connection has stayed up for a while, so a
 * dispatcher that refuses the probe (wrong secret, endpoint not allowed) is retried slowly, never
 * in a tight loop. Runs on the Vert.x context it was created on.
 */
final class DispatcherLink {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherLink.class);

  /** The dispatcher must welcome the probe within this time of the connect. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private enum State {
    CONNECTING,
    AWAIT_CHALLENGE,
    AWAIT_WELCOME,
    READY,
    WAITING,
    CLOSED
  }

  private final Vertx vertx;
  private final NetClient client;
  private final String host;
  private final String serverName;
  private final int port;
  private final String brokerId;
  private final byte[] secret;
  private final Backoff backoff;
  private final Supplier<@Nullable String> latestReport;
  private final ControlChannel control;
  private final Runnable readyChanged;
  private int version = ProbeMessage.VERSION;
  private State state = State.WAITING;
  private @Nullable NetSocket socket;
  private int attempt;

  /** How often a dispatcher that stays unreachable is reported again at WARN. */
  private static final long REMINDER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private long lastReminderNanos;
  private long readySinceNanos;
  private long timer = -1;
  private boolean everReady;
  private boolean lossLogged;

  /**
   * @param host an IP address (names are resolved by {@link DispatcherLinks})
   * @param serverName the dispatcher's name as configured: over TLS, its certificate must name it
   * @param latestReport the line to send right after the welcome, or null when there is none yet
   */
  DispatcherLink(
      Vertx vertx,
      NetClient client,
      String host,
      String serverName,
      int port,
      String brokerId,
      byte[] secret,
      Backoff backoff,
      Supplier<@Nullable String> latestReport,
      ControlChannel control,
      Runnable readyChanged) {
    this.vertx = vertx;
    this.control = control;
    this.readyChanged = readyChanged;
    this.client = client;
    this.host = host;
    this.serverName = serverName;
    this.port = port;
    this.brokerId = brokerId;
    this.secret = secret;
    this.backoff = backoff;
    this.latestReport = latestReport;
  }

  void start() {
    connect();
  }

  boolean ready() {
    return state == State.READY;
  }

  /**
   * Writes {@code line} if the dispatcher welcomed this probe; drops it while a slow dispatcher has
   * not read the last ones.
   */
  void send(String line) {
    NetSocket s = socket;
    if (state != State.READY || s == null) {
      return;
    }
    if (s.writeQueueFull()) {
      LOG.debug("dispatcher {} is not reading; report dropped", address());
      return;
    }
    s.write(line);
  }

  /** Closes the connection for good; completes once the socket is closed. */
  Future<Void> close() {
    State before = state;
    state = State.CLOSED;
    if (before == State.READY) {
      readyChanged.run();
    }
    vertx.cancelTimer(timer);
    NetSocket s = socket;
    socket = null;
    if (s == null) {
      return Future.succeededFuture();
    }
    if (before == State.READY) {
      LOG.info("closing report connection to dispatcher {}", address());
    }
    return s.close();
  }

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CONNECTING;
    client
        .connect(port, host, serverName)
        .onComplete(
            ar -> {
              if (state == State.CLOSED) {
                if (ar.succeeded()) {
                  ar.result().close();
                }
                return;
              }
              if (ar.failed()) {
                retry("cannot connect: " + message(ar.cause()), false);
                return;
              }
              NetSocket s = ar.result();
              socket = s;
              state = State.AWAIT_CHALLENGE;
              RecordParser parser =
                  RecordParser.newDelimited("\n", line -> onLine(s, line))
                      .maxRecordSize(ProbeMessage.MAX_LINE_BYTES + 1);
              parser.exceptionHandler(
                  e ->
                      fail(
                          s,
                          "line from dispatcher longer than "
                              + ProbeMessage.MAX_LINE_BYTES
                              + " bytes"));
              s.handler(parser);
              s.exceptionHandler(e -> LOG.debug("dispatcher {}: {}", address(), e.toString()));
              s.closeHandler(v -> onClosed(s));
              timer =
                  vertx.setTimer(
                      HANDSHAKE_TIMEOUT.toMillis(),
                      t -> {
                        if (socket == s && state != State.READY) {
                          fail(s, "no welcome within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
                        }
                      });
            });
  }

  private void onLine(NetSocket s, Buffer buffer) {
    if (socket != s) {
      return;
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    ProbeMessage message;
    try {
      message =
          ProbeCodec.decode(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    } catch (ProtocolException e) {
      fail(s, "sent a line this probe cannot read: " + e.getMessage());
      return;
    }
    if (message instanceof ProbeMessage.Error error) {
      refused(s, error);
    } else if (state == State.AWAIT_CHALLENGE
        && message instanceof ProbeMessage.Challenge challenge) {
      state = State.AWAIT_WELCOME;
      // v2 when the dispatcher offers it: commands and client ids on this connection.
      version = Math.min(challenge.maxVersion(), ProbeMessage.MAX_VERSION);
      ProbeMessage.Hello hello = ProbeLines.hello(brokerId, secret, challenge);
      s.write(ProbeLines.line(new ProbeMessage.Hello(hello.broker(), hello.mac(), version)));
    } else if (state == State.AWAIT_WELCOME && message instanceof ProbeMessage.Welcome) {
      welcomed(s);
    } else if (state == State.READY
        && version >= 2
        && message instanceof ProbeMessage.Command command) {
      s.write(ProbeLines.line(control.command(command)));
    } else if (state == State.READY
        && version >= 2
        && message instanceof ProbeMessage.Clients clients) {
      control.clients(clients);
    } else {
      fail(
          s,
          "unexpected "
              + message.getClass().getSimpleName().toLowerCase(Locale.ROOT)
              + " in state "
              + state);
    }
  }

  private void welcomed(NetSocket s) {
    vertx.cancelTimer(timer);
    state = State.READY;
    readyChanged.run();
    readySinceNanos = Math.max(1, System.nanoTime());
    LOG.info(
        "{} dispatcher {} as broker '{}'",
        everReady ? "reporting again to" : "reporting to",
        address(),
        brokerId);
    everReady = true;
    lastReminderNanos = 0; // a later outage starts its own reminders
    lossLogged = false;
    String latest = latestReport.get();
    if (latest != null) {
      s.write(latest);
    }
  }

  private void refused(NetSocket s, ProbeMessage.Error error) {
    long delay = scheduleAfterClose(s);
    if (error.code() == ErrorCode.AUTH_FAILED) {
      LOG.error(
          "dispatcher {} refused broker '{}': {}; check that --secret-file holds the same secret as the "
              + "dispatcher's --probe-secret-file; retrying in {} ms",
          address(),
          brokerId,
          error.reason(),
          delay);
    } else {
      LOG.warn(
          "dispatcher {} refused broker '{}': {} ({}); retrying in {} ms",
          address(),
          brokerId,
          error.reason(),
          error.code().wireName(),
          delay);
    }
  }

  private void fail(NetSocket s, String why) {
    long delay = scheduleAfterClose(s);
    LOG.warn("dispatcher {}: {}; reconnecting in {} ms", address(), why, delay);
  }

  private void onClosed(NetSocket s) {
    if (socket != s) {
      return; // already handled (refused, failed or closed on purpose)
    }
    boolean wasReady = state == State.READY;
    socket = null;
    if (wasReady) {
      state = State.WAITING;
      readyChanged.run();
    }
    vertx.cancelTimer(timer);
    retry(
        wasReady
            ? "connection closed by the dispatcher"
            : "dispatcher closed the connection during the handshake",
        wasReady);
  }

  /** Stops using {@code s}, closes it and plans the next connect; returns the delay. */
  private long scheduleAfterClose(NetSocket s) {
    boolean wasReady = state == State.READY;
    socket = null;
    if (wasReady) {
      state = State.WAITING;
      readyChanged.run();
    }
    vertx.cancelTimer(timer);
    s.close();
    lossLogged = true; // the caller logs this loss itself
    return schedule();
  }

  private void retry(String why, boolean wasReady) {
    long delay = schedule();
    if (wasReady || (!lossLogged && everReady)) {
      LOG.warn("lost dispatcher {}: {}; reconnecting in {} ms", address(), why, delay);
      lossLogged = true;
    } else if (!lossLogged) {
      LOG.info("dispatcher {} not reachable yet ({}); retrying in {} ms", address(), why, delay);
      lossLogged = true;
    } else if (System.nanoTime() - lastReminderNanos >= REMINDER_NANOS) {
      // Still failing: say so now and then, so a wrong --dispatcher does not look like a healthy
      // probe.
      LOG.warn(
          "dispatcher {} still not reachable ({}); check --dispatcher; retrying in {} ms",
          address(),
          why,
          delay);
      lastReminderNanos = System.nanoTime();
    } else {
      LOG.debug("dispatcher {}: {}; retrying in {} ms", address(), why, delay);
    }
    if (lastReminderNanos == 0) {
      lastReminderNanos = System.nanoTime();
    }
  }

  private long schedule() {
    if (state == State.CLOSED) {
      return 0;
    }
    if (readySinceNanos != 0
        && System.nanoTime() - readySinceNanos >= Backoff.DEFAULT_CAP.toNanos()) {
      attempt = 0; // it worked for a while: this is a new outage, start small
    }
    readySinceNanos = 0;
    long delay = backoff.delayMillis(attempt);
    attempt = Math.min(attempt + 1, 30);
    state = State.WAITING;
    timer = vertx.setTimer(Math.max(1, delay), t -> connect());
    return delay;
  }

  String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}

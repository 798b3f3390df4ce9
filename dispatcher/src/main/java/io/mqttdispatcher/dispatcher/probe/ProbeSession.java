package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.protocol.ErrorCode;
import io.mqttdispatcher.protocol.ProbeAuth;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProtocolException;
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe connection: challenge, hello, then reports. Any bad line closes this connection only;
 * other brokers' state is never touched. With a v2 probe it also carries commands (answered by
 * acks) and the client ids this dispatcher sent to the broker. Runs on the control-plane event
 * loop.
 */
final class ProbeSession {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSession.class);
  static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  /** How long a probe has to acknowledge a command. */
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

  /** How often buffered client ids go to a v2 probe. */
  static final Duration CLIENTS_EVERY = Duration.ofMillis(250);

  private final Vertx vertx;
  private final NetSocket socket;
  private final BrokerRegistry registry;
  private final AllowList allow;
  private final byte[] secret;
  private final String nonce = ProbeAuth.newNonce();
  private final String peer;
  private final AtomicInteger authenticatedCount;
  private boolean welcomed;
  private @Nullable String brokerId;
  private long helloTimer;
  private long clientsTimer = -1;
  private boolean closing;
  private int version = ProbeMessage.VERSION;
  private final Map<String, Pending> pending = new HashMap<>();
  private final ProbeServer server;
  private final ClientIdFeed feed;

  private record Pending(Promise<ProbeMessage.Ack> promise, long timer) {}

  ProbeSession(
      Vertx vertx,
      NetSocket socket,
      BrokerRegistry registry,
      AllowList allow,
      byte[] secret,
      AtomicInteger authenticatedCount,
      ProbeServer server,
      ClientIdFeed feed) {
    this.vertx = vertx;
    this.server = server;
    this.feed = feed;
    this.authenticatedCount = authenticatedCount;
    this.socket = socket;
    this.registry = registry;
    this.allow = allow;
    this.secret = secret;
    this.peer = String.valueOf(socket.remoteAddress());
  }

  void start() {
    RecordParser parser =
        RecordParser.newDelimited("\n", this::line).maxRecordSize(ProbeMessage.MAX_LINE_BYTES + 1);
    parser.exceptionHandler(
        e ->
            refuse(
                ErrorCode.BAD_MESSAGE,
                "line longer than " + ProbeMessage.MAX_LINE_BYTES + " bytes"));
    socket.handler(parser);
    socket.exceptionHandler(e -> LOG.debug("probe {}: {}", peer, e.toString()));
    socket.closeHandler(
        v -> {
          vertx.cancelTimer(helloTimer);
          vertx.cancelTimer(clientsTimer);
          failPending("the probe's connection closed");
          if (brokerId != null) {
            registry.detach(brokerId, this);
            if (server.forget(brokerId, this)) {
              feed.close(brokerId);
            }
          }
          if (welcomed) {
            authenticatedCount.decrementAndGet();
          }
        });
    helloTimer =
        vertx.setTimer(
            HELLO_TIMEOUT.toMillis(),
            t -> {
              if (brokerId == null) {
                refuse(
                    ErrorCode.HELLO_TIMEOUT, "no hello within " + HELLO_TIMEOUT.toSeconds() + " s");
              }
            });
    send(new ProbeMessage.Challenge(nonce, ProbeMessage.MAX_VERSION));
  }

  /** Whether this probe speaks v2: takes commands and carries the broker's state. */
  boolean speaksV2() {
    return version >= 2;
  }

  /** Sends {@code command}; completes with the probe's ack, or fails after {@link #ACK_TIMEOUT}. */
  Future<ProbeMessage.Ack> command(ProbeMessage.Command command) {
    if (!speaksV2() || closing) {
      return Future.failedFuture(
          "the probe of broker " + brokerId + " takes no commands (protocol v1)");
    }
    String id = command.id();
    Promise<ProbeMessage.Ack> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            ACK_TIMEOUT.toMillis(),
            t -> {
              Pending p = pending.remove(id);
              if (p != null) {
                p.promise()
                    .tryFail(
                        "the probe of broker "
                            + brokerId
                            + " did not acknowledge within "
                            + ACK_TIMEOUT.toSeconds()
                            + " s");
              }
            });
    pending.put(id, new Pending(promise, timer));
    send(command);
    return promise.future();
  }

  private void ack(ProbeMessage.Ack ack) {
    registry.applyProbeState(
        Objects.requireNonNull(brokerId, "broker id, set at the welcome"), this, ack.state());
    Pending p = pending.remove(ack.id());
    if (p != null) {
      vertx.cancelTimer(p.timer());
      p.promise().tryComplete(ack);
    }
  }

  private void failPending(String why) {
    for (Pending p : pending.values()) {
      vertx.cancelTimer(p.timer());
      p.promise().tryFail(why);
    }
    pending.clear();
  }

  private void sendClients() {
    if (brokerId == null || closing || socket.writeQueueFull()) {
      return; // a probe that does not read keeps its ids buffered (bounded) until it does
    }
    for (ProbeMessage.Clients line : feed.drain(brokerId)) {
      send(line);
    }
  }

  private void line(Buffer buffer) {
    if (closing) {
      return;
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    ProbeMessage message;
    try {
      message = ProbeCodec.decode(text);
    } catch (ProtocolException e) {
      refuse(ErrorCode.BAD_MESSAGE, Objects.requireNonNullElse(e.getMessage(), e.toString()));
      return;
    }
    if (brokerId == null) {
      if (message instanceof ProbeMessage.Hello hello) {
        hello(hello);
      } else {
        refuse(ErrorCode.BAD_MESSAGE, "expected a hello first");
      }
    } else if (message instanceof ProbeMessage.Report report) {
      report(report);
    } else if (message instanceof ProbeMessage.Ack ack && speaksV2()) {
      ack(ack);
    } else {
      refuse(
          ErrorCode.BAD_MESSAGE, speaksV2() ? "expected a report or an ack" : "expected a report");
    }
  }

  private void hello(ProbeMessage.Hello hello) {
    if (!ProbeAuth.verify(secret, nonce, hello.mac())) {
      LOG.warn(
          "probe {} for broker '{}': authentication failed (wrong secret?); closing",
          peer,
          hello.broker());
      sendAndClose(ErrorCode.AUTH_FAILED, "authentication failed");
      return;
    }
    vertx.cancelTimer(helloTimer);
    brokerId = hello.broker();
    version = hello.version();
    welcomed = true;
    authenticatedCount.incrementAndGet();
    registry.attach(brokerId, this).ifPresent(old -> ((ProbeSession) old).replaced());
    server.remember(brokerId, this);
    send(new ProbeMessage.Welcome());
    if (speaksV2()) {
      feed.open(brokerId);
      clientsTimer = vertx.setPeriodic(CLIENTS_EVERY.toMillis(), t -> sendClients());
    } else {
      LOG.info(
          "probe for broker {} speaks protocol v1: drain stays local to each dispatcher, no rebalance or "
              + "evacuation for this broker",
          brokerId);
    }
  }

  private void report(ProbeMessage.Report report) {
    for (Map.Entry<Transport, String> e : report.endpoints().entrySet()) {
      if (!allow.allows(e.getKey(), e.getValue())) {
        refuse(
            ErrorCode.ENDPOINT_NOT_ALLOWED,
            "endpoint "
                + e.getKey().wireName()
                + "="
                + e.getValue()
                + " is not in the dispatcher's --allow list");
        return;
      }
    }
    registry.report(
        Objects.requireNonNull(brokerId, "broker id, set at the welcome"),
        this,
        report,
        System.nanoTime());
  }

  /** Another connection now speaks for this broker. */
  private void replaced() {
    brokerId = null; // the new session owns the registry entry now
    vertx.cancelTimer(clientsTimer);
    failPending("replaced by a newer connection for the same broker");
    sendAndClose(ErrorCode.REPLACED, "replaced by a newer connection for the same broker");
  }

  private void refuse(ErrorCode code, String reason) {
    LOG.warn(
        "probe {}{}: {}; closing its connection",
        peer,
        brokerId == null ? "" : " (broker " + brokerId + ")",
        reason);
    sendAndClose(code, reason);
  }

  private void sendAndClose(ErrorCode code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    socket
        .write(ProbeCodec.encode(new ProbeMessage.Error(code, reason)) + "\n")
        .onComplete(ar -> socket.close());
  }

  private void send(ProbeMessage message) {
    socket.write(ProbeCodec.encode(message) + "\n");
  }
}

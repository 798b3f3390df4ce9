package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.protocol.ProbeAuth;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProtocolException;
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe connection: challenge, hello, then reports. Any bad line closes this connection only;
 * other brokers' state is never touched. Runs on the control-plane event loop.
 */
final class ProbeSession {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSession.class);
  static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

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
  private boolean closing;

  ProbeSession(Vertx vertx, NetSocket socket, BrokerRegistry registry, AllowList allow, byte[] secret, AtomicInteger authenticatedCount) {
    this.vertx = vertx;
    this.authenticatedCount = authenticatedCount;
    this.socket = socket;
    this.registry = registry;
    this.allow = allow;
    this.secret = secret;
    this.peer = String.valueOf(socket.remoteAddress());
  }

  void start() {
    RecordParser parser = RecordParser.newDelimited("\n", this::line).maxRecordSize(ProbeMessage.MAX_LINE_BYTES + 1);
    parser.exceptionHandler(e -> refuse("line longer than " + ProbeMessage.MAX_LINE_BYTES + " bytes"));
    socket.handler(parser);
    socket.exceptionHandler(e -> LOG.debug("probe {}: {}", peer, e.toString()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(helloTimer);
      if (brokerId != null) {
        registry.detach(brokerId, this);
      }
      if (welcomed) {
        authenticatedCount.decrementAndGet();
      }
    });
    helloTimer = vertx.setTimer(HELLO_TIMEOUT.toMillis(), t -> {
      if (brokerId == null) {
        refuse("no hello within " + HELLO_TIMEOUT.toSeconds() + " s");
      }
    });
    send(new ProbeMessage.Challenge(nonce));
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
      refuse(e.getMessage());
      return;
    }
    if (brokerId == null) {
      if (message instanceof ProbeMessage.Hello hello) {
        hello(hello);
      } else {
        refuse("expected a hello first");
      }
    } else if (message instanceof ProbeMessage.Report report) {
      report(report);
    } else {
      refuse("expected a report");
    }
  }

  private void hello(ProbeMessage.Hello hello) {
    if (!ProbeAuth.verify(secret, nonce, hello.mac())) {
      LOG.warn("probe {} for broker '{}': authentication failed (wrong secret?); closing", peer, hello.broker());
      sendAndClose("authentication failed");
      return;
    }
    vertx.cancelTimer(helloTimer);
    brokerId = hello.broker();
    welcomed = true;
    authenticatedCount.incrementAndGet();
    registry.attach(brokerId, this).ifPresent(old -> ((ProbeSession) old).replaced());
    send(new ProbeMessage.Welcome());
  }

  private void report(ProbeMessage.Report report) {
    for (Map.Entry<Transport, String> e : report.endpoints().entrySet()) {
      if (!allow.allows(e.getKey(), e.getValue())) {
        refuse("endpoint " + e.getKey().wireName() + "=" + e.getValue() + " is not in the dispatcher's --allow list");
        return;
      }
    }
    registry.report(brokerId, this, report, System.nanoTime());
  }

  /** Another connection now speaks for this broker. */
  private void replaced() {
    brokerId = null; // the new session owns the registry entry now
    sendAndClose("replaced by a newer connection for the same broker");
  }

  private void refuse(String reason) {
    LOG.warn("probe {}{}: {}; closing its connection", peer, brokerId == null ? "" : " (broker " + brokerId + ")", reason);
    sendAndClose(reason);
  }

  private void sendAndClose(String reason) {
    if (closing) {
      return;
    }
    closing = true;
    socket.write(ProbeCodec.encode(new ProbeMessage.Error(reason)) + "\n").onComplete(ar -> socket.close());
  }

  private void send(ProbeMessage message) {
    socket.write(ProbeCodec.encode(message) + "\n");
  }
}

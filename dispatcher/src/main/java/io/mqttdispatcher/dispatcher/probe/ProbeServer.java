package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Accepts probe connections (over TLS when configured) and runs a {@link ProbeSession} for each;
 * sends operators' commands to the probe of a broker ({@link ProbeCommands}). Runs on the
 * control-plane event loop.
 */
public final class ProbeServer implements ProbeCommands {
  private final Vertx vertx;
  private final HostPort address;
  private final NetServerOptions serverOptions;
  private final BrokerRegistry registry;
  private final AllowList allow;
  private final byte[] secret;
  private final AtomicInteger authenticated = new AtomicInteger();
  private final ClientIdFeed feed;
  private final Map<String, ProbeSession> sessions = new HashMap<>();
  private @Nullable NetServer server;
  private long commands;

  /**
   * @param serverOptions the listener's socket and TLS settings (see {@link ProbeListenerTls})
   */
  public ProbeServer(
      Vertx vertx,
      HostPort address,
      NetServerOptions serverOptions,
      BrokerRegistry registry,
      AllowList allow,
      byte[] secret,
      ClientIdFeed feed) {
    this.vertx = vertx;
    this.feed = feed;
    this.address = address;
    this.serverOptions = new NetServerOptions(serverOptions);
    this.registry = registry;
    this.allow = allow;
    this.secret = secret.clone();
  }

  /** Starts listening; completes with the bound port. Call on the control-plane context. */
  public Future<Integer> listen() {
    NetServer server = vertx.createNetServer(serverOptions);
    this.server = server;
    server.connectHandler(
        socket -> {
          ProbeSession session =
              new ProbeSession(vertx, socket, registry, allow, secret, authenticated, this, feed);
          session.start();
        });
    return server
        .listen(address.port(), address.host())
        .map(NetServer::actualPort)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen for probes on " + address + ": " + e.getMessage(), e)));
  }

  @Override
  public boolean takesCommands(String brokerId) {
    ProbeSession s = sessions.get(brokerId);
    return s != null && s.speaksV2();
  }

  @Override
  public Future<ProbeMessage.Ack> send(String brokerId, ProbeMessage.Command command) {
    ProbeSession s = sessions.get(brokerId);
    if (s == null) {
      return Future.failedFuture("no connected broker '" + brokerId + "'");
    }
    return s.command(command);
  }

  @Override
  public String newCommandId() {
    return "c-" + (++commands);
  }

  void remember(String brokerId, ProbeSession session) {
    sessions.put(brokerId, session);
  }

  /** Forgets {@code session} if it still speaks for {@code brokerId}; true when it did. */
  boolean forget(String brokerId, ProbeSession session) {
    return sessions.remove(brokerId, session);
  }

  /** Probe connections that passed authentication and are open. */
  public int authenticatedConnections() {
    return authenticated.get();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

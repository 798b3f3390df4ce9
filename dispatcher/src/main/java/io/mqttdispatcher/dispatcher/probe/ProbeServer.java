package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/** Accepts probe connections and runs a {@link ProbeSession} for each. */
public final class ProbeServer {
  private final Vertx vertx;
  private final HostPort address;
  private final BrokerRegistry registry;
  private final AllowList allow;
  private final byte[] secret;
  private final AtomicInteger authenticated = new AtomicInteger();
  private NetServer server;

  public ProbeServer(Vertx vertx, HostPort address, BrokerRegistry registry, AllowList allow, byte[] secret) {
    this.vertx = vertx;
    this.address = address;
    this.registry = registry;
    this.allow = allow;
    this.secret = secret.clone();
  }

  /** Starts listening; completes with the bound port. Call on the control-plane context. */
  public Future<Integer> listen() {
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
    server.connectHandler(socket -> {
      ProbeSession session = new ProbeSession(vertx, socket, registry, allow, secret, authenticated);
      session.start();
    });
    return server.listen(address.port(), address.host())
        .map(NetServer::actualPort)
        .recover(e -> Future.failedFuture(
            new IllegalStateException("cannot listen for probes on " + address + ": " + e.getMessage(), e)));
  }

  /** Probe connections that passed authentication and are open. */
  public int authenticatedConnections() {
    return authenticated.get();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

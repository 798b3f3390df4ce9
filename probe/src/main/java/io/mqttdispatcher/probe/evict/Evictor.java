package io.mqttdispatcher.probe.evict;

import java.util.concurrent.CompletableFuture;

/** Makes a broker drop one client, so that it reconnects through a dispatcher. */
public interface Evictor extends AutoCloseable {

  /** Evicts {@code clientId}; completes when done, exceptionally when the broker would not. */
  CompletableFuture<Void> evict(String clientId);

  @Override
  void close();
}

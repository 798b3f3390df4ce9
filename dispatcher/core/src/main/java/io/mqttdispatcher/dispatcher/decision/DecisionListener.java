package io.mqttdispatcher.dispatcher.decision;

import io.mqttdispatcher.dispatcher.policy.ConnectFacts;

/**
 * Told of every decision the dispatcher answers a CONNECT with, on the device's event loop: the
 * metrics, the device table and the client-id feed to probes follow the decisions this way, so no
 * listener can forget one of them. Must be fast and must not block.
 */
@FunctionalInterface
public interface DecisionListener {

  /** Called once per answered CONNECT, after {@code decision} was made for {@code facts}. */
  void decided(ConnectFacts facts, Decision decision);
}

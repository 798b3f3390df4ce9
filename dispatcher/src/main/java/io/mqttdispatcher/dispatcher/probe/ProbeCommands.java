package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.protocol.ProbeMessage;
import io.vertx.core.Future;

/** Sends an operator's command to the probe of a broker over its connection (protocol v2). */
public interface ProbeCommands {

  /**
   * Whether broker {@code brokerId} is connected through a probe that speaks v2 (takes commands).
   */
  boolean takesCommands(String brokerId);

  /** An id for a new command. */
  String newCommandId();

  /**
   * Sends {@code command} to the probe of {@code brokerId}; completes with its ack, or fails when
   * the broker has no v2 probe connected or the probe does not answer in time.
   */
  Future<ProbeMessage.Ack> send(String brokerId, ProbeMessage.Command command);
}

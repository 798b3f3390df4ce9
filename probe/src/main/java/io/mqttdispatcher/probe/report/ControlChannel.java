package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.protocol.ProbeMessage;

/** What a protocol v2 dispatcher connection hands to the rest of the probe. */
public interface ControlChannel {

  /** Applies an operator's command; the ack goes back on the same connection. */
  ProbeMessage.Ack command(ProbeMessage.Command command);

  /** Client ids a dispatcher sent to this probe's broker. */
  void clients(ProbeMessage.Clients clients);

  /** Called whenever the number of welcomed dispatcher connections changes. */
  void readyConnections(int count);

  /** A channel that refuses every command: for a probe that cannot move devices. */
  ControlChannel NONE =
      new ControlChannel() {
        @Override
        public ProbeMessage.Ack command(ProbeMessage.Command command) {
          return new ProbeMessage.Ack(
              command.id(),
              false,
              "this probe takes no commands",
              io.mqttdispatcher.protocol.ProbeState.IDLE);
        }

        @Override
        public void clients(ProbeMessage.Clients clients) {}

        @Override
        public void readyConnections(int count) {}
      };
}

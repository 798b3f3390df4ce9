package io.mqttdispatcher.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** One line of probe report protocol v1. Immutable; encode and decode with {@link ProbeCodec}. */
public sealed interface ProbeMessage {

  /** Protocol version this code speaks. */
  int VERSION = 1;

  /** Maximum length of one line in bytes, newline excluded. */
  int MAX_LINE_BYTES = 64 * 1024;

  /** Dispatcher to probe, on accept: the nonce the probe must sign. */
  record Challenge(String nonce) implements ProbeMessage {
    public Challenge {
      Objects.requireNonNull(nonce, "nonce");
    }
  }

  /** Probe to dispatcher: the broker this connection speaks for and the MAC over the nonce. */
  record Hello(String broker, String mac) implements ProbeMessage {
    public Hello {
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(mac, "mac");
    }
  }

  /** Dispatcher to probe: the hello was accepted; reports may follow. */
  record Welcome() implements ProbeMessage {}

  /** Dispatcher to probe: the connection is refused or closed, and why. */
  record Error(String reason) implements ProbeMessage {
    public Error {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Probe to dispatcher: the broker's load over the last sampling interval.
   *
   * @param ts probe clock, epoch milliseconds
   * @param cpu CPU use, 0..1 of the whole machine
   * @param mem memory use, 0..1
   * @param connections broker's client count, when known
   * @param msgRate broker's received messages per second, when known
   * @param healthy whether the broker answered its liveness check
   * @param capacity relative capacity of this broker (1 = reference machine)
   * @param endpoints advertised endpoint per transport
   */
  record Report(
      long ts,
      double cpu,
      double mem,
      OptionalLong connections,
      OptionalDouble msgRate,
      boolean healthy,
      double capacity,
      Map<Transport, String> endpoints)
      implements ProbeMessage {
    public Report {
      Objects.requireNonNull(connections, "connections");
      Objects.requireNonNull(msgRate, "msgRate");
      endpoints = Map.copyOf(endpoints);
    }
  }
}

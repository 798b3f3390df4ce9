package io.mqttdispatcher.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One line of the probe protocol: v1 (reports, probe to dispatcher) and v2 (v1 plus commands,
 * acknowledgements and client ids, dispatcher to probe, and the probe's state in its reports).
 * Immutable; encode and decode with {@link ProbeCodec}.
 */
public sealed interface ProbeMessage {

  /** Protocol version every peer speaks, and the one in the {@code v} field of a challenge. */
  int VERSION = 1;

  /** Highest protocol version this code speaks. */
  int MAX_VERSION = 2;

  /** Longest client id sent in a {@link Clients} line, in characters. */
  int MAX_CLIENT_ID = 256;

  /** Most client ids in one {@link Clients} line. */
  int MAX_CLIENTS_PER_LINE = 500;

  /** Maximum length of one line in bytes, newline excluded. */
  int MAX_LINE_BYTES = 64 * 1024;

  /**
   * Dispatcher to probe, on accept: the nonce the probe must sign, and the highest protocol version
   * the dispatcher speaks (1 when the line has no {@code vmax}).
   */
  record Challenge(String nonce, int maxVersion) implements ProbeMessage {
    public Challenge {
      Objects.requireNonNull(nonce, "nonce");
    }

    /** A challenge of a v1-only dispatcher. */
    public Challenge(String nonce) {
      this(nonce, VERSION);
    }
  }

  /**
   * Probe to dispatcher: the broker this connection speaks for, the MAC over the nonce, and the
   * protocol version for the rest of the connection (2 only when the challenge offered it).
   */
  record Hello(String broker, String mac, int version) implements ProbeMessage {
    public Hello {
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(mac, "mac");
    }

    /** A v1 hello. */
    public Hello(String broker, String mac) {
      this(broker, mac, VERSION);
    }
  }

  /** Dispatcher to probe: the hello was accepted; reports may follow. */
  record Welcome() implements ProbeMessage {}

  /**
   * Dispatcher to probe: the connection is refused or closed, and why.
   *
   * @param code what a peer acts on
   * @param reason a sentence for people (log lines), never parsed
   */
  record Error(ErrorCode code, String reason) implements ProbeMessage {
    public Error {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Probe to dispatcher: the broker's load over the last sampling interval.
   *
   * @param ts probe clock, epoch milliseconds
   * @param cpu CPU utilisation over the last sampling interval, 0..1, of the cores the broker can
   *     use (1.0: a single-threaded broker keeping its one core busy, on a host of any size); see
   *     docs/probe-protocol.md
   * @param mem memory use, 0..1
   * @param connections broker's client count, when known
   * @param msgRate broker's received messages per second, when known
   * @param healthy whether the broker answered its liveness check
   * @param capacity relative capacity of this broker (1 = reference machine)
   * @param endpoints advertised endpoint per transport
   * @param state v2: the broker's draining flag and eviction plan as the probe holds them; null
   *     from a v1 probe, whose drain is local to each dispatcher
   * @param group the broker's group and whether that group is a cluster ({@link
   *     BrokerGroup#DEFAULT} when the probe sends none)
   */
  record Report(
      long ts,
      double cpu,
      double mem,
      OptionalLong connections,
      OptionalDouble msgRate,
      boolean healthy,
      double capacity,
      Map<Transport, String> endpoints,
      @Nullable ProbeState state,
      BrokerGroup group)
      implements ProbeMessage {
    public Report {
      Objects.requireNonNull(connections, "connections");
      Objects.requireNonNull(msgRate, "msgRate");
      Objects.requireNonNull(group, "group");
      endpoints = Map.copyOf(endpoints);
    }

    /** A v1 report: no probe-carried state, in the {@link BrokerGroup#DEFAULT} group. */
    public Report(
        long ts,
        double cpu,
        double mem,
        OptionalLong connections,
        OptionalDouble msgRate,
        boolean healthy,
        double capacity,
        Map<Transport, String> endpoints) {
      this(
          ts,
          cpu,
          mem,
          connections,
          msgRate,
          healthy,
          capacity,
          endpoints,
          null,
          BrokerGroup.DEFAULT);
    }

    /** A report in the {@link BrokerGroup#DEFAULT} group. */
    public Report(
        long ts,
        double cpu,
        double mem,
        OptionalLong connections,
        OptionalDouble msgRate,
        boolean healthy,
        double capacity,
        Map<Transport, String> endpoints,
        @Nullable ProbeState state) {
      this(
          ts,
          cpu,
          mem,
          connections,
          msgRate,
          healthy,
          capacity,
          endpoints,
          state,
          BrokerGroup.DEFAULT);
    }

    /** This report with {@code newState}. */
    public Report withState(@Nullable ProbeState newState) {
      return new Report(
          ts, cpu, mem, connections, msgRate, healthy, capacity, endpoints, newState, group);
    }
  }

  /**
   * v2, dispatcher to probe: an operator's command, given on whichever dispatcher replica. The
   * probe answers every command with an {@link Ack} carrying the same id.
   *
   * @param id chosen by the dispatcher, echoed in the ack
   * @param op what to do
   * @param plan for {@code rebalance} and {@code evacuate}: the plan to run; null otherwise
   * @param planId for {@code stop}: the plan to stop, or null for whichever runs
   * @param outcome for {@code stop}: {@link PlanState#DONE} (thresholds reached) or {@link
   *     PlanState#STOPPED} (an operator stopped it); null otherwise
   */
  record Command(
      String id,
      CommandOp op,
      @Nullable EvictionPlan plan,
      @Nullable String planId,
      @Nullable PlanState outcome)
      implements ProbeMessage {
    public Command {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(op, "op");
      boolean evicts = op == CommandOp.REBALANCE || op == CommandOp.EVACUATE;
      if (evicts != (plan != null)) {
        throw new IllegalArgumentException(
            "a plan comes with rebalance and evacuate commands, and only with them");
      }
      if (plan != null && (plan.kind() == PlanKind.EVACUATE) != (op == CommandOp.EVACUATE)) {
        throw new IllegalArgumentException(
            "command " + op.wireName() + " carries a " + plan.kind().wireName() + " plan");
      }
      if ((op == CommandOp.STOP) != (outcome != null)) {
        throw new IllegalArgumentException(
            "an outcome comes with stop commands, and only with them");
      }
      if (outcome != null && outcome != PlanState.DONE && outcome != PlanState.STOPPED) {
        throw new IllegalArgumentException(
            "a stop's outcome is done or stopped, not " + outcome.wireName());
      }
    }

    /** A command without a plan: drain or undrain. */
    public static Command of(String id, CommandOp op) {
      return new Command(id, op, null, null, null);
    }

    /** A rebalance or evacuate command for {@code plan}. */
    public static Command evict(String id, EvictionPlan plan) {
      return new Command(
          id,
          plan.kind() == PlanKind.EVACUATE ? CommandOp.EVACUATE : CommandOp.REBALANCE,
          plan,
          null,
          null);
    }

    /** Stops plan {@code planId} (any plan when null) as {@code outcome}. */
    public static Command stop(String id, @Nullable String planId, PlanState outcome) {
      return new Command(id, CommandOp.STOP, null, planId, outcome);
    }
  }

  /**
   * v2, probe to dispatcher: the answer to a {@link Command}.
   *
   * @param id the command's id
   * @param ok whether the probe applied it
   * @param reason why not, for people; empty when ok
   * @param state the probe's state after the command
   */
  record Ack(String id, boolean ok, String reason, ProbeState state) implements ProbeMessage {
    public Ack {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * v2, dispatcher to probe: client ids of devices this dispatcher sent to the probe's broker since
   * its last such line, so the probe can take them over when asked to move devices.
   *
   * @param ids client ids of devices without a session
   * @param sessions client ids of devices that keep a session (Clean Start 0 or Session Expiry
   *     above 0)
   */
  record Clients(List<String> ids, List<String> sessions) implements ProbeMessage {
    public Clients {
      ids = List.copyOf(ids);
      sessions = List.copyOf(sessions);
      if (ids.size() + sessions.size() > MAX_CLIENTS_PER_LINE) {
        throw new IllegalArgumentException(
            "at most " + MAX_CLIENTS_PER_LINE + " client ids per line");
      }
    }
  }
}

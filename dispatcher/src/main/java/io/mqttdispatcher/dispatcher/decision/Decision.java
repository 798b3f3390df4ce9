package io.mqttdispatcher.dispatcher.decision;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.Route;
import java.util.Objects;

/** What the dispatcher answers one CONNECT: a redirect to a broker, or a refusal and why. */
public sealed interface Decision {

  /** MQTT v5 CONNACK reason code 0x88 Server unavailable. */
  int SERVER_UNAVAILABLE = 0x88;

  /**
   * Send the device to {@code broker}.
   *
   * @param broker the chosen broker; it has an endpoint for the device's transport
   * @param route the routing rule (or the one pool) that chose the broker's group
   */
  record Redirect(BrokerView broker, Route route) implements Decision {
    public Redirect {
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(route, "route");
    }

    /** The group the device was sent to. */
    public String group() {
      return broker.group().name();
    }
  }

  /**
   * Refuse the device.
   *
   * @param cause what the metrics count it as
   * @param reasonCode the MQTT v5 CONNACK reason code (0x87, 0x88)
   * @param reason the CONNACK's Reason String
   */
  record Refuse(RejectCause cause, int reasonCode, String reason) implements Decision {
    public Refuse {
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Whether the refusal is only for now: no broker of the device's group is usable at this
     * moment, but one may be in a moment (a rule's refusal is not).
     */
    public boolean noBrokerYet() {
      return cause == RejectCause.NO_BROKER;
    }
  }
}

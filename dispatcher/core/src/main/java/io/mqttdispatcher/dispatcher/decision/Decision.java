package io.mqttdispatcher.dispatcher.decision;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.Route;
import java.util.Objects;

/**
 * What the dispatcher answers one CONNECT: a redirect to a broker, a refusal and why, or (only
 * where the caller can hold the device) to wait a moment.
 */
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
   * @param outage whether no broker of the device's group is usable at all (for any transport): a
   *     moment a device may wait out, unlike a rule's refusal or a group without the device's
   *     transport
   */
  record Refuse(RejectCause cause, int reasonCode, String reason, boolean outage)
      implements Decision {
    public Refuse {
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(reason, "reason");
    }

    /** A refusal that is not an outage. */
    public Refuse(RejectCause cause, int reasonCode, String reason) {
      this(cause, reasonCode, reason, false);
    }
  }

  /**
   * No answer yet: the device's group is coming back after an outage and its other brokers are
   * expected in a moment, so sending the device to the first one back would crowd it.
   *
   * @param reason why, in a few words
   */
  record Wait(String reason) implements Decision {
    public Wait {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

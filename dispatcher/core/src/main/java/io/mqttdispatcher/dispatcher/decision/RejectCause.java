package io.mqttdispatcher.dispatcher.decision;

import java.util.Locale;

/** Why a device connection was refused or closed without a redirect. */
public enum RejectCause {
  /** MQTT 3.1 or 3.1.1 CONNECT: these protocols have no redirect. */
  MQTT3,
  /** No usable broker (in the device's group, when routing rules are loaded). */
  NO_BROKER,
  /** No routing rule matches the device and the routing file has no default group. */
  NO_ROUTE,
  /** The first packet could not be decoded. */
  MALFORMED,
  /** The CONNECT was larger than the limit. */
  TOO_LARGE,
  /** The first packet was not a CONNECT. */
  NOT_CONNECT,
  /** No CONNECT arrived in time. */
  TIMEOUT,
  /** Too many connections were waiting for their CONNECT already. */
  OVERLOAD,
  /** The source address opened more connections this second than allowed. */
  RATE_LIMIT;

  /** Label value in metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

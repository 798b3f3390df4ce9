package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.Nullable;

/**
 * One broker's load at one moment, as far as it is known.
 *
 * @param cpu fraction of the whole machine, 0..1, or null when unknown
 * @param connections the broker's client connections, or null when unknown
 */
record BrokerLoad(@Nullable Double cpu, @Nullable Long connections) {
  static final BrokerLoad UNKNOWN = new BrokerLoad(null, null);
}

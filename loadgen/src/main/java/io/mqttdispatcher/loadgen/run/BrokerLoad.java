package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.Nullable;

/**
 * One broker's load at one moment, as far as it is known.
 *
 * @param cpu 0..1 as its source measures it, or null when unknown: from the admin API, the probe's
 *     report (utilisation of the cores the broker can use); from broker pids, a fraction of the
 *     whole machine
 * @param connections the broker's client connections, or null when unknown
 */
record BrokerLoad(@Nullable Double cpu, @Nullable Long connections) {
  static final BrokerLoad UNKNOWN = new BrokerLoad(null, null);
}

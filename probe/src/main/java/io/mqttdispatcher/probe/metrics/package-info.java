/**
 * Load from a broker's Prometheus endpoint: the text exposition parsed within bounds, the name sets
 * of the brokers the probe knows (HiveMQ, EMQX, VerneMQ) or the operator's own, and the poller that
 * turns counters into rates for the reports.
 */
@NullMarked
package io.mqttdispatcher.probe.metrics;

import org.jspecify.annotations.NullMarked;

/**
 * Prometheus metrics of the dispatcher: redirects, rejects by cause, decision latency, brokers,
 * probes.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.metrics;

import org.jspecify.annotations.NullMarked;

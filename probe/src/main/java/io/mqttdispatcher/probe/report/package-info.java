/**
 * Reporting to dispatchers: one connection per resolved dispatcher address with reconnect backoff,
 * the protocol v1 handshake, and the schedule that decides which samples become reports (interval,
 * heartbeat and the change-rate rule).
 */
@NullMarked
package io.mqttdispatcher.probe.report;

import org.jspecify.annotations.NullMarked;

/**
 * Moving devices off this probe's broker: the state every dispatcher learns from the reports
 * ({@link io.mqttdispatcher.probe.evict.ProbeControl}), the client ids the probe may take over
 * ({@link io.mqttdispatcher.probe.evict.KnownClients}), and the evictor that takes them over at the
 * plan's rate ({@link io.mqttdispatcher.probe.evict.EvictionRunner}).
 */
@NullMarked
package io.mqttdispatcher.probe.evict;

import org.jspecify.annotations.NullMarked;

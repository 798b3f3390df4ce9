/**
 * The broker's own counters from its {@code $SYS} tree (Mosquitto's connected clients and received
 * messages), read by a subscriber with its own MQTT connection; message rate from counter deltas.
 */
@NullMarked
package io.mqttdispatcher.probe.sys;

import org.jspecify.annotations.NullMarked;

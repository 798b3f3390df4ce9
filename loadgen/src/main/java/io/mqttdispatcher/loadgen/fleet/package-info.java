/**
 * A fleet of idle MQTT v5 devices that stay connected and find a broker again when they lose one
 * (through the dispatcher, or from a fixed address list as DNS round-robin gives), with what a
 * scenario needs to watch it: connections per broker over time, and every connection attempt
 * counted, those that went to a dead endpoint apart.
 */
@NullMarked
package io.mqttdispatcher.loadgen.fleet;

import org.jspecify.annotations.NullMarked;

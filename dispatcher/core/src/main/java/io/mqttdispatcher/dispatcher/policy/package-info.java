/**
 * Choosing a broker for a device: pure functions from the usable brokers and the CONNECT's facts to
 * a choice, with no sockets and no clocks inside, so they are unit tested with plain values and
 * reused by the simulator.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.policy;

import org.jspecify.annotations.NullMarked;

/**
 * {@code loadgen storm}: a fleet of idle devices on real brokers, one broker killed, then every
 * broker restarted as after a power cut; how long until every device is back and where the devices
 * went, through the dispatcher and with DNS round-robin.
 */
@NullMarked
package io.mqttdispatcher.loadgen.storm;

import org.jspecify.annotations.NullMarked;

/**
 * The probe: runs beside one MQTT broker, samples its load, checks that it answers and reports both
 * to every dispatcher. {@link io.mqttdispatcher.probe.Probe} wires the parts; {@link
 * io.mqttdispatcher.probe.ProbeMain} is the command line.
 */
@NullMarked
package io.mqttdispatcher.probe;

import org.jspecify.annotations.NullMarked;

/**
 * Load sampling with OSHI: CPU from successive snapshots of the host's ticks or of one process's
 * times, always as utilisation of the cores the broker can use, and memory as a fraction of the
 * total.
 */
@NullMarked
package io.mqttdispatcher.probe.sample;

import org.jspecify.annotations.NullMarked;

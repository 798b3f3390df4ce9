/**
 * The load generator's command line: {@code run} (the experiment against the dispatcher and DNS
 * round-robin) and {@code bench-connect} (CONNECT exchanges per second).
 */
@NullMarked
package io.mqttdispatcher.loadgen;

import org.jspecify.annotations.NullMarked;

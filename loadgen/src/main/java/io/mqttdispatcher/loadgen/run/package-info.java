/**
 * The experiment runner: publishers that really send at their rate through the dispatcher or
 * assigned round-robin, a subscriber on each broker counting what arrives per second, broker load
 * sampled every second, and the results of each strategy.
 */
@NullMarked
package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.NullMarked;

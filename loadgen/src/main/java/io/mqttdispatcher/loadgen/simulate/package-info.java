/**
 * The policy simulator: the dispatcher's own registry and policies on a model of many brokers and
 * devices arriving over time, to show behaviour at fleet scale that one machine cannot run for
 * real.
 */
@NullMarked
package io.mqttdispatcher.loadgen.simulate;

import org.jspecify.annotations.NullMarked;

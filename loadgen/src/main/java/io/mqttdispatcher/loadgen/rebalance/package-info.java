/**
 * {@code loadgen rebalance}: live devices moved on real brokers. A broker joins and a rebalance
 * runs (through one dispatcher or two replicas), or a broker is evacuated with publishers running;
 * connections per broker over time, and the checks the plan must pass.
 */
@NullMarked
package io.mqttdispatcher.loadgen.rebalance;

import org.jspecify.annotations.NullMarked;

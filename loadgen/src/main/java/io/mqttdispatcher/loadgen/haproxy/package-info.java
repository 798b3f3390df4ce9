/**
 * HAProxy in TCP mode in front of the brokers, the load balancer operators deploy instead of a
 * dispatcher: its configuration, the process the loadgen starts for the {@code haproxy} strategy,
 * and what its statistics socket says about sessions per broker.
 */
@NullMarked
package io.mqttdispatcher.loadgen.haproxy;

import org.jspecify.annotations.NullMarked;

/**
 * The one decision per CONNECT: from a snapshot of the brokers, the routing table in force and the
 * CONNECT's facts to a redirect or a refusal. Pure (no sockets, no clocks, no Netty), the same for
 * every listener, the admin API's dry run and the simulator.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.decision;

import org.jspecify.annotations.NullMarked;

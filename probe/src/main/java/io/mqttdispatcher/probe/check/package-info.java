/**
 * Broker liveness: a minimal MQTT v5 CONNECT/CONNACK round trip to the broker every interval, on a
 * thread of its own, so a dead or hung broker is reported unhealthy without ever blocking the
 * sampler; and, where no {@code $SYS} connection does it, a watch connection whose drop runs that
 * check at once.
 */
@NullMarked
package io.mqttdispatcher.probe.check;

import org.jspecify.annotations.NullMarked;

/**
 * {@code bench-connect}: CONNECT/CONNACK exchanges per second and their latency against a
 * dispatcher (optionally following the redirect to the broker) or against a broker.
 */
@NullMarked
package io.mqttdispatcher.loadgen.bench;

import org.jspecify.annotations.NullMarked;

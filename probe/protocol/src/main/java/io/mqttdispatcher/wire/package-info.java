/**
 * The few MQTT v5 packets that code without an MQTT client exchanges on a plain socket (the probe's
 * liveness check, the connect benchmark): a CONNECT, a DISCONNECT and the reading of a CONNACK.
 * Only the JDK; one definition for both.
 */
@NullMarked
package io.mqttdispatcher.wire;

import org.jspecify.annotations.NullMarked;

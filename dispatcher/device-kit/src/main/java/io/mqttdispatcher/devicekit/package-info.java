/**
 * The device kit: {@link io.mqttdispatcher.devicekit.RedirectingConnector} connects an MQTT v5
 * device through the dispatcher, follows the CONNACK redirect to the broker it names, and goes back
 * through the dispatcher, with {@link io.mqttdispatcher.devicekit.Backoff}, when that broker is
 * lost.
 */
@NullMarked
package io.mqttdispatcher.devicekit;

import org.jspecify.annotations.NullMarked;

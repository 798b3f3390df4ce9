/**
 * How a device connects through the dispatcher: {@link io.mqttdispatcher.loadgen.connect.RedirectingConnector}
 * follows the CONNACK redirect to the broker it names and goes back through the dispatcher when
 * that broker is lost.
 */
@NullMarked
package io.mqttdispatcher.loadgen.connect;

import org.jspecify.annotations.NullMarked;

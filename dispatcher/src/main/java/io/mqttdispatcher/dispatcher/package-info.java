/**
 * The dispatcher process: {@link io.mqttdispatcher.dispatcher.DispatcherMain} wires the parts
 * together.
 */
@NullMarked
package io.mqttdispatcher.dispatcher;

import org.jspecify.annotations.NullMarked;

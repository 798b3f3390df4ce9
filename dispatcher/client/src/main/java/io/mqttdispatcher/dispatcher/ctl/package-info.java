/**
 * {@code dispatcher ctl}: the operator's command line for a running dispatcher, talking to its
 * admin HTTP API through {@link io.mqttdispatcher.dispatcher.ctl.AdminClient}.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.ctl;

import org.jspecify.annotations.NullMarked;

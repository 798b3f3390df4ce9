/**
 * Where this dispatcher sent devices: a bounded table answering {@code GET /devices/{clientId}} for
 * backends that need a device's broker (a hint: the device may have moved since).
 */
@NullMarked
package io.mqttdispatcher.dispatcher.devices;

import org.jspecify.annotations.NullMarked;

/**
 * Broker state learned from probe reports. {@link
 * io.mqttdispatcher.dispatcher.registry.BrokerRegistry} owns it, on one thread, and publishes
 * immutable {@link io.mqttdispatcher.dispatcher.registry.BrokerSnapshot}s that the device listeners
 * read without locks.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.registry;

import org.jspecify.annotations.NullMarked;

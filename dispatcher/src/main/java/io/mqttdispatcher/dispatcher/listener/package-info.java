/**
 * The device side: Netty listeners, the pipeline assembled in {@link
 * io.mqttdispatcher.dispatcher.listener.DeviceChannelInitializer}, and the CONNECT handling in
 * {@link io.mqttdispatcher.dispatcher.listener.ConnectHandler}.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.listener;

import org.jspecify.annotations.NullMarked;

/** The dispatcher's options, with their defaults in one place, and the redirect allowlist. */
@NullMarked
package io.mqttdispatcher.dispatcher.config;

import org.jspecify.annotations.NullMarked;

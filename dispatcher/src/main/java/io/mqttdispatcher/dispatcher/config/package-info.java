/**
 * The dispatcher's options ({@link io.mqttdispatcher.dispatcher.config.DispatcherOptions}): one
 * record per group of options, each with its picocli options beside it (the only place a name or
 * default is written), and the redirect allowlist.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.config;

import org.jspecify.annotations.NullMarked;

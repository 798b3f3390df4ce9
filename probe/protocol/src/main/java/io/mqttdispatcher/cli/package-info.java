/**
 * Command-line value types shared by every process of the project: durations like {@code 500ms},
 * {@code host:port} addresses and secret files, with the picocli converters that parse them.
 */
@NullMarked
package io.mqttdispatcher.cli;

import org.jspecify.annotations.NullMarked;

/**
 * Probe protocol v1 and v2: the one definition of the messages a probe and a dispatcher exchange,
 * their JSON-line encoding and the challenge/response authentication. See docs/probe-protocol.md.
 */
@NullMarked
package io.mqttdispatcher.protocol;

import org.jspecify.annotations.NullMarked;

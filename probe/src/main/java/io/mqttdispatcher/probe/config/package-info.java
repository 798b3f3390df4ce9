/**
 * What a probe is configured with: the {@link io.mqttdispatcher.probe.config.ProbeOptions} record,
 * whose constants are the only place defaults are written, and the parsing of advertised endpoints.
 */
@NullMarked
package io.mqttdispatcher.probe.config;

import org.jspecify.annotations.NullMarked;

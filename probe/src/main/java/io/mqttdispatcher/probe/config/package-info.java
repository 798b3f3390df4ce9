/**
 * What a probe is configured with: {@link io.mqttdispatcher.probe.config.ProbeOptions}, made of one
 * record per group of options, each with its picocli options beside it (the only place a name or
 * default is written), and the parsing of advertised endpoints.
 */
@NullMarked
package io.mqttdispatcher.probe.config;

import org.jspecify.annotations.NullMarked;

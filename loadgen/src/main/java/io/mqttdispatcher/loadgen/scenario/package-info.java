/**
 * What an experiment runs: publisher groups (count, rate, payload, QoS, duration) and how they
 * arrive, read from YAML/JSON files or the {@code paper} and {@code smoke} presets, and the seeded
 * arrival plan built from them.
 */
@NullMarked
package io.mqttdispatcher.loadgen.scenario;

import org.jspecify.annotations.NullMarked;

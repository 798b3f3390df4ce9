package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.Nullable;

/**
 * One broker during one second of a run.
 *
 * @param second seconds from the start of the strategy's run
 * @param broker index in {@code --brokers}
 * @param messages messages the broker delivered to the counting subscriber in this second
 * @param cpu broker CPU, 0..1 as the run's load source measures it ({@link BrokerLoad}), or null
 *     when unknown
 * @param connections the broker's connections as its probe reports them, or null when unknown
 * @param publishers loadgen publishers connected to this broker at the end of the second
 */
public record BrokerSecond(
    int second,
    int broker,
    long messages,
    @Nullable Double cpu,
    @Nullable Long connections,
    int publishers) {}

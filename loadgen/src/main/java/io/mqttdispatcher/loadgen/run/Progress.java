package io.mqttdispatcher.loadgen.run;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A once-a-second view of a running strategy, for a progress line.
 *
 * @param strategy running strategy
 * @param second seconds since it started
 * @param totalSeconds expected length
 * @param publishersSending publishers sending now
 * @param publishersTotal planned publishers
 * @param messagesPerSecond per broker, messages counted in the last full second
 * @param cpu per broker, last CPU sample (fraction), null when unknown
 */
public record Progress(
    String strategy,
    int second,
    int totalSeconds,
    int publishersSending,
    int publishersTotal,
    List<Long> messagesPerSecond,
    List<@Nullable Double> cpu) {}

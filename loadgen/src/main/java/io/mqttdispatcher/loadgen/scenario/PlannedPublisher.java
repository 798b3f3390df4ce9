package io.mqttdispatcher.loadgen.scenario;

import java.time.Duration;

/**
 * One publisher of a run, with its place in the arrival order.
 *
 * @param position 1-based arrival position
 * @param id unique within the run, e.g. {@code heavy-1}
 * @param group what it sends
 * @param arrival offset from the start of the run
 */
public record PlannedPublisher(int position, String id, PublisherGroup group, Duration arrival) {}

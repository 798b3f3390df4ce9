package io.mqttdispatcher.loadgen.storm;

import io.mqttdispatcher.loadgen.fleet.AttemptCounts;
import org.jspecify.annotations.Nullable;

/**
 * One thing that happened to the brokers, and how the fleet came back.
 *
 * @param name what happened, e.g. {@code kill broker-1}
 * @param atSeconds when, since the fleet started
 * @param devicesLost devices that lost their broker
 * @param allBackSeconds from {@code measuredFrom} until every device was connected again; null when
 *     that did not happen within the recovery timeout
 * @param measuredFrom the moment {@code allBackSeconds} counts from, e.g. {@code the kill}
 * @param attempts connection attempts from this event until the next one (or the end)
 * @param balancerDeadConnects connects the load balancer made to a dead broker in the same time
 *     (failed, retried or sent elsewhere: the device did not see them); null without a balancer
 */
public record StormEvent(
    String name,
    double atSeconds,
    int devicesLost,
    @Nullable Double allBackSeconds,
    String measuredFrom,
    AttemptCounts attempts,
    @Nullable Long balancerDeadConnects) {
  /** An event of a strategy without a load balancer. */
  public StormEvent(
      String name,
      double atSeconds,
      int devicesLost,
      @Nullable Double allBackSeconds,
      String measuredFrom,
      AttemptCounts attempts) {
    this(name, atSeconds, devicesLost, allBackSeconds, measuredFrom, attempts, null);
  }
}

package io.mqttdispatcher.loadgen.rebalance;

import io.mqttdispatcher.loadgen.fleet.FleetOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the rebalance scenario needs. Defaults live here, as strings the command line shows in
 * {@code --help}.
 *
 * @param fleet the idle devices
 * @param modes the runs, one after the other, each on a fresh stack
 * @param rate devices each donor (or the evacuated broker) moves per second
 * @param absThreshold the rebalance's absolute threshold (connections)
 * @param relThreshold the rebalance's relative threshold
 * @param waitBeforeEviction the rebalance's wait before eviction
 * @param publishers devices that publish during the evacuation
 * @param publishRate messages per second each publisher sends
 * @param settle quiet time before the plan starts and after it ends
 * @param planTimeout longest wait for a plan to end and every device to be back
 * @param maxOutage the longest a device may be without a broker (a check)
 * @param rateTolerance how far the measured eviction rate may be from the plan's (a check; 0.2 = 20
 *     %)
 * @param sampleInterval how often connections per broker are sampled
 * @param out directory for results.json, timeline.csv, report.html and the stacks' logs
 */
public record RebalanceOptions(
    FleetOptions fleet,
    List<RebalanceMode> modes,
    double rate,
    double absThreshold,
    double relThreshold,
    Duration waitBeforeEviction,
    int publishers,
    int publishRate,
    Duration settle,
    Duration planTimeout,
    Duration maxOutage,
    double rateTolerance,
    Duration sampleInterval,
    Path out) {
  /** The scale-out: 600 idle devices over two brokers, a third joins. */
  public static final String DEFAULT_DEVICES = "600";

  public static final String DEFAULT_MODE = "all";

  /**
   * Slow enough that a donor's hundred or so moves take seconds (the chart shows them), and that
   * the counts' way to the dispatchers (about a second) lets few devices move past the thresholds.
   */
  public static final String DEFAULT_RATE = "25";

  public static final String DEFAULT_ABS_THRESHOLD = "20";
  public static final String DEFAULT_REL_THRESHOLD = "1.1";
  public static final String DEFAULT_WAIT = "1s";
  public static final String DEFAULT_PUBLISHERS = "5";
  public static final String DEFAULT_PUBLISH_RATE = "10";
  public static final String DEFAULT_SETTLE = "3s";
  public static final String DEFAULT_PLAN_TIMEOUT = "120s";
  public static final String DEFAULT_MAX_OUTAGE = "5s";
  public static final String DEFAULT_RATE_TOLERANCE = "0.2";
  public static final String DEFAULT_OUT = "rebalance-results";

  /** Brokers in every run: two take the devices, the third joins (or one of three is evacuated). */
  public static final int BROKERS = 3;

  public RebalanceOptions {
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(out, "out");
    modes = List.copyOf(modes);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("no mode to run");
    }
    if (!(rate > 0) || !(absThreshold >= 0) || !(relThreshold >= 1)) {
      throw new IllegalArgumentException(
          "--rate must be above 0, --abs-threshold 0 or more and --rel-threshold 1 or more");
    }
    if (publishers < 1 || publishers > 100 || publishRate < 1 || publishRate > 1000) {
      throw new IllegalArgumentException(
          "--publishers must be within 1..100 and --publish-rate within 1..1000");
    }
    if (!(rateTolerance > 0 && rateTolerance < 1)) {
      throw new IllegalArgumentException("--rate-tolerance must be between 0 and 1");
    }
    for (Duration d : List.of(waitBeforeEviction, settle)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative, got " + d);
      }
    }
    if (planTimeout.isNegative()
        || planTimeout.isZero()
        || maxOutage.isNegative()
        || maxOutage.isZero()
        || sampleInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "--plan-timeout and --max-outage must be positive and --sample at least 10ms");
    }
  }
}

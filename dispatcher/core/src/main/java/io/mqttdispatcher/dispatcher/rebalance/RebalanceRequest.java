package io.mqttdispatcher.dispatcher.rebalance;

import java.time.Duration;
import java.util.List;

/**
 * What an operator asks for in {@code POST /rebalance}, with EMQX's defaults: evict 500 connections
 * per second per donor, thresholds 1000 (absolute) and 1.1 (relative), wait 60 s; donors and
 * recipients chosen from the loads unless named.
 *
 * @param rate devices each donor's probe moves per second
 * @param absThreshold a donor is done below the recipients' mean connections plus this
 * @param relThreshold ... or below the recipients' mean times this
 * @param waitBeforeEviction time between the start (donors already get no new devices) and the
 *     first eviction
 * @param includeSessions move devices that keep a session too
 * @param donors named donors, or empty to choose them
 * @param recipients named recipients, or empty to choose them
 */
public record RebalanceRequest(
    double rate,
    double absThreshold,
    double relThreshold,
    Duration waitBeforeEviction,
    boolean includeSessions,
    List<String> donors,
    List<String> recipients) {

  public static final double DEFAULT_RATE = 500;
  public static final double DEFAULT_ABS_THRESHOLD = 1000;
  public static final double DEFAULT_REL_THRESHOLD = 1.1;
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  /** Evacuation moves devices at this rate unless told otherwise. */
  public static final double DEFAULT_EVACUATION_RATE = 500;

  public RebalanceRequest {
    donors = List.copyOf(donors);
    recipients = List.copyOf(recipients);
  }

  /**
   * A request from an operator's numbers, checked.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static RebalanceRequest of(
      double rate,
      double absThreshold,
      double relThreshold,
      double waitSeconds,
      boolean includeSessions,
      List<String> donors,
      List<String> recipients) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("'rate' must be above 0 devices per second");
    }
    if (!(absThreshold >= 0)) {
      throw new IllegalArgumentException("'absThreshold' must be 0 or more");
    }
    if (!(relThreshold >= 1)) {
      throw new IllegalArgumentException("'relThreshold' must be 1 or more");
    }
    if (!(waitSeconds >= 0)) {
      throw new IllegalArgumentException("'waitSeconds' must be 0 or more");
    }
    return new RebalanceRequest(
        rate,
        absThreshold,
        relThreshold,
        Duration.ofMillis(Math.round(waitSeconds * 1000)),
        includeSessions,
        donors,
        recipients);
  }
}

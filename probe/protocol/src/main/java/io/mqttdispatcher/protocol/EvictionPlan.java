package io.mqttdispatcher.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A plan that moves live devices off one broker (protocol v2), as a dispatcher sends it to the
 * donor's probe and as that probe repeats it in every report, so every dispatcher replica knows it.
 *
 * @param id the plan's id, shared by every donor of one rebalance
 * @param kind rebalance or evacuation
 * @param rate devices moved per second by this donor's probe, greater than 0
 * @param waitMillis time between accepting the plan and the first eviction (the broker already gets
 *     no new devices meanwhile)
 * @param includeSessions whether devices that keep a session are moved too (they lose their queued
 *     messages on independent brokers)
 * @param absThreshold a donor is done when its connections are below the recipients' mean plus this
 * @param relThreshold ... or below the recipients' mean times this (at least 1)
 * @param donors every donor of the plan
 * @param recipients the brokers the plan means devices to move to
 * @param maxDevices devices this donor moves at most under the plan, then it is done; 0 for no
 *     limit. A plan of 1 moves one device: automatic mode weighs a device's traffic by moving it
 * @param holdMillis with {@code maxDevices}: how long after the last of them the plan stays active
 *     (the donor still getting no new devices) before it ends done, so the moved devices land
 *     elsewhere and the reports settle
 * @param newestFirst move the device that connected last first (default: the one known longest)
 * @param skip client ids never to move under this plan (at most {@link #MAX_SKIP})
 */
public record EvictionPlan(
    String id,
    PlanKind kind,
    double rate,
    long waitMillis,
    boolean includeSessions,
    double absThreshold,
    double relThreshold,
    List<String> donors,
    List<String> recipients,
    long maxDevices,
    long holdMillis,
    boolean newestFirst,
    List<String> skip) {

  /** Highest rate a plan may ask for, devices per second per donor. */
  public static final double MAX_RATE = 100_000;

  /** Most brokers a donor or recipient list may name. */
  public static final int MAX_BROKERS = 1000;

  /** Most client ids a plan's skip list may name. */
  public static final int MAX_SKIP = 100;

  /** A plan without a device limit, order or skip list (the operator's rebalance, evacuation). */
  public EvictionPlan(
      String id,
      PlanKind kind,
      double rate,
      long waitMillis,
      boolean includeSessions,
      double absThreshold,
      double relThreshold,
      List<String> donors,
      List<String> recipients) {
    this(
        id,
        kind,
        rate,
        waitMillis,
        includeSessions,
        absThreshold,
        relThreshold,
        donors,
        recipients,
        0,
        0,
        false,
        List.of());
  }

  public EvictionPlan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    if (id.isBlank() || id.length() > 64) {
      throw new IllegalArgumentException("plan id must be 1 to 64 characters");
    }
    if (!(rate > 0 && rate <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "rate must be above 0 and at most " + (long) MAX_RATE + " per second, was " + rate);
    }
    if (waitMillis < 0) {
      throw new IllegalArgumentException("wait must not be negative, was " + waitMillis + " ms");
    }
    if (!(absThreshold >= 0) || Double.isInfinite(absThreshold)) {
      throw new IllegalArgumentException(
          "absolute threshold must be a number >= 0, was " + absThreshold);
    }
    if (!(relThreshold >= 1) || Double.isInfinite(relThreshold)) {
      throw new IllegalArgumentException(
          "relative threshold must be a number >= 1, was " + relThreshold);
    }
    donors = List.copyOf(donors);
    recipients = List.copyOf(recipients);
    if (donors.size() > MAX_BROKERS || recipients.size() > MAX_BROKERS) {
      throw new IllegalArgumentException(
          "a plan names at most " + MAX_BROKERS + " donors and " + MAX_BROKERS + " recipients");
    }
    if (maxDevices < 0 || holdMillis < 0) {
      throw new IllegalArgumentException("max and hold must not be negative");
    }
    skip = List.copyOf(skip);
    if (skip.size() > MAX_SKIP) {
      throw new IllegalArgumentException("a plan skips at most " + MAX_SKIP + " client ids");
    }
  }
}

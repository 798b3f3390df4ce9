package io.mqttdispatcher.dispatcher.rebalance;

import java.util.HashMap;
import java.util.Map;

/**
 * What a rebalance plan's donors and recipients hold once the reports catch up with its moves.
 *
 * <p>Connection counts reach the dispatchers through each broker's {@code $SYS} tree and its
 * probe's report, a couple of seconds late. At a plan's eviction rate that is tens of devices per
 * donor that have already left while its count still shows them, and that have not yet shown up on
 * the recipients. Judged on the reported counts alone, donors stopped that much too late: a
 * scale-out of 600 devices over three brokers, at 25 per second per donor, ended 159 / 159 / 282.
 *
 * <p>So from the first time this replica sees the plan evicting, it keeps the counts it saw then: a
 * donor counts as at most that count less what it evicted since, and the recipients, on average, as
 * at least their mean then plus what every donor evicted since, shared among them. Reported counts
 * win once they say less for a donor or more for the recipients (devices that connect or leave on
 * their own). An evicted device that lands elsewhere or not at all can only make a donor stop
 * early, never late. Pure: no clock, no sockets; one per plan, on the control-plane loop.
 */
final class PlanForecast {
  private final double recipientMeanAtStart;
  private final long evictedAtStart;
  private final Map<String, Donor> donors = new HashMap<>();

  private record Donor(double loadAtStart, long evictedAtStart) {}

  /**
   * @param recipientMean the recipients' mean load when the plan was first seen evicting
   * @param evictedByAllDonors what every donor of the plan had evicted by then
   */
  PlanForecast(double recipientMean, long evictedByAllDonors) {
    this.recipientMeanAtStart = recipientMean;
    this.evictedAtStart = evictedByAllDonors;
  }

  /**
   * A donor's load once its moves show: its reported load, or less when it evicted devices since it
   * was first seen that the report does not show yet.
   */
  double donorLoad(String donorId, double reportedLoad, long evicted, double capacity) {
    Donor d = donors.computeIfAbsent(donorId, id -> new Donor(reportedLoad, evicted));
    double expected = d.loadAtStart() - (evicted - d.evictedAtStart()) / capacity;
    return Math.min(reportedLoad, expected);
  }

  /**
   * The recipients' mean load once the moves show: their reported mean, or more when the donors
   * evicted devices since the plan was first seen that the reports do not show yet.
   */
  double recipientMean(double reportedMean, long evictedByAllDonors, int recipients) {
    double expected =
        recipientMeanAtStart + (double) (evictedByAllDonors - evictedAtStart) / recipients;
    return Math.max(reportedMean, expected);
  }
}

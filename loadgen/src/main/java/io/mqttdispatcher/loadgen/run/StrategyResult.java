package io.mqttdispatcher.loadgen.run;

import java.util.List;

/**
 * The measurements of one strategy's run.
 *
 * @param strategy {@code dispatcher}, {@code dns-rr} or {@code haproxy}
 * @param scenario scenario name
 * @param seed arrival seed
 * @param brokers {@code --brokers}, in order
 * @param loadSource where CPU came from
 * @param publishers one entry per planned publisher
 * @param timeline one row per broker per second
 * @param received per broker, every message its subscriber counted
 * @param activeFrom first second with a publisher sending (inclusive)
 * @param activeTo last second with a publisher sending (exclusive)
 * @param warnings things a reader of the results must know (e.g. publishers that fell behind)
 * @param cpu CPU time of the brokers, the balancer and the dispatcher over the run
 */
public record StrategyResult(
    String strategy,
    String scenario,
    long seed,
    List<String> brokers,
    String loadSource,
    List<PublisherResult> publishers,
    List<BrokerSecond> timeline,
    List<Long> received,
    int activeFrom,
    int activeTo,
    List<String> warnings,
    CpuUse cpu) {
  /** The measurements without CPU time. */
  public StrategyResult(
      String strategy,
      String scenario,
      long seed,
      List<String> brokers,
      String loadSource,
      List<PublisherResult> publishers,
      List<BrokerSecond> timeline,
      List<Long> received,
      int activeFrom,
      int activeTo,
      List<String> warnings) {
    this(
        strategy,
        scenario,
        seed,
        brokers,
        loadSource,
        publishers,
        timeline,
        received,
        activeFrom,
        activeTo,
        warnings,
        CpuUse.UNKNOWN);
  }
}

package io.mqttdispatcher.loadgen.run;

import org.jspecify.annotations.Nullable;

/**
 * What one publisher did.
 *
 * @param id publisher id, e.g. {@code heavy-1}
 * @param group its group
 * @param position 1-based arrival position
 * @param targetRate configured msg/s
 * @param achievedRate messages handed to the network per second of sending time
 * @param sent messages handed to the network
 * @param failed publishes that failed (e.g. while the broker was gone)
 * @param missed messages not even attempted because the machine could not keep up
 * @param broker the broker it reached ({@code host:port}), or null when it reached none; through a
 *     load balancer, the broker whose subscriber received its messages
 * @param hops redirects followed on connect
 * @param connectMillis time to a broker's CONNACK, redirects included; negative when it failed
 * @param startSecond when it connected, seconds from the start of the strategy's run
 * @param error why it reached no broker, or null
 */
public record PublisherResult(
    String id,
    String group,
    int position,
    double targetRate,
    double achievedRate,
    long sent,
    long failed,
    long missed,
    @Nullable String broker,
    int hops,
    double connectMillis,
    double startSecond,
    @Nullable String error) {

  /** Below this share of its target rate a publisher counts as not keeping up. */
  public static final double KEEP_UP_RATIO = 0.95;

  /**
   * The same, on {@code broker}: where its messages arrived, when it connected through a balancer.
   */
  public PublisherResult onBroker(@Nullable String broker) {
    return new PublisherResult(
        id,
        group,
        position,
        targetRate,
        achievedRate,
        sent,
        failed,
        missed,
        broker,
        hops,
        connectMillis,
        startSecond,
        error);
  }

  public boolean keptUp() {
    return error == null && achievedRate >= KEEP_UP_RATIO * targetRate;
  }
}

package io.mqttdispatcher.dispatcher.policy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/** The policies that can be chosen on the command line, by their option spelling. */
public enum PolicyName {
  /** {@link LeastLoadPolicy}: utilisation, herd control, capacity. The default. */
  LEAST_LOAD,
  /** {@link LeastCpuPolicy}: lowest mean CPU, the published baseline. */
  LEAST_CPU,
  /** {@link RoundRobinPolicy}. */
  ROUND_ROBIN,
  /** {@link RandomPolicy}. */
  RANDOM,
  /** {@link LeastConnectionsPolicy}. */
  LEAST_CONNECTIONS;

  /** Option spelling, e.g. {@code least-load}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the option spelling; the error lists the valid ones. */
  public static PolicyName parse(String value) {
    for (PolicyName p : values()) {
      if (p.optionName().equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not a policy: use one of "
            + Arrays.stream(values())
                .map(PolicyName::optionName)
                .collect(Collectors.joining(", ")));
  }

  /**
   * A new instance of this policy, with session affinity in front of it; ties broken per thread.
   */
  public BrokerPolicy create(Duration window) {
    return create(window, Ties.PER_THREAD);
  }

  /**
   * A new instance of this policy, with session affinity (default table and load bound) in front of
   * it, drawing its random choices from {@code random}: a seeded generator makes a run repeatable
   * (then call it from one thread).
   */
  public BrokerPolicy create(Duration window, RandomGenerator random) {
    return create(
        window,
        random,
        SessionAffinityPolicy.DEFAULT_MAX_RECORDS,
        new BoundedLoad(BoundedLoad.DEFAULT_EPSILON));
  }

  /**
   * A new instance of this policy, with session affinity as given in front of it; ties broken per
   * thread.
   */
  public BrokerPolicy create(Duration window, long affinityRecords, BoundedLoad affinityBound) {
    return create(window, Ties.PER_THREAD, affinityRecords, affinityBound);
  }

  /**
   * A new instance of this policy, with session affinity in front of it.
   *
   * @param random where random choices come from
   * @param affinityRecords session records kept at most
   * @param affinityBound how session devices without a record are placed
   */
  public BrokerPolicy create(
      Duration window, RandomGenerator random, long affinityRecords, BoundedLoad affinityBound) {
    BrokerPolicy load =
        switch (this) {
          case LEAST_LOAD -> new LeastLoadPolicy(window, random);
          case LEAST_CPU -> new LeastCpuPolicy(random);
          case ROUND_ROBIN -> new RoundRobinPolicy();
          case RANDOM -> new RandomPolicy(random);
          case LEAST_CONNECTIONS -> new LeastConnectionsPolicy();
        };
    return new SessionAffinityPolicy(load, new SessionRecords(affinityRecords), affinityBound);
  }
}

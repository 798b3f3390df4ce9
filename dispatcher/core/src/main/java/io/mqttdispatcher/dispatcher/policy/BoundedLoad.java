package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Bounded-load consistent hashing (Mirrokni, Thorup and Zadimoghaddam, 2016) over weighted
 * rendezvous hashing: a device walks its ranking of the usable brokers ({@link RendezvousHash}) and
 * takes the first broker whose load is within the bound, (1 + epsilon) times the mean load.
 *
 * <p>Load is the broker's reported utilisation ({@link BrokerView#meanCpu()}, 0..1 of what the
 * broker can use), and the mean is weighted by capacity (total work over total capacity), so a
 * bigger broker at the same utilisation is no more "loaded". Only reported values count, not this
 * replica's own redirects, so every replica that has the same reports makes the same choice. Client
 * counts are left out: not every probe reports them, and a client's cost varies too much between
 * fleets.
 *
 * <p>CPU moves by a few points between samples, so near-idle brokers would be skipped on noise
 * alone; the bound is therefore never below the mean plus {@link #MIN_HEADROOM}. Some broker is
 * always at or below the capacity-weighted mean, so the walk always ends on a broker.
 *
 * @param epsilon how far above the mean a broker may be and still take new session devices; {@link
 *     Double#POSITIVE_INFINITY} places by hash alone
 */
public record BoundedLoad(double epsilon) {
  /** The Vimeo / Google deployments of the scheme use 1 + epsilon = 1.25. */
  public static final double DEFAULT_EPSILON = 0.25;

  /** The bound is at least this far above the mean utilisation. */
  public static final double MIN_HEADROOM = 0.05;

  /** No bound: rendezvous hashing alone. */
  public static final BoundedLoad NONE = new BoundedLoad(Double.POSITIVE_INFINITY);

  public BoundedLoad {
    if (!(epsilon >= 0)) {
      throw new IllegalArgumentException("--affinity-epsilon must be 0 or more, was " + epsilon);
    }
  }

  /**
   * The first broker of {@code clientId}'s ranking within the bound, or null when there is none.
   */
  @Nullable BrokerView place(List<BrokerView> usable, String clientId) {
    int n = usable.size();
    double limit = limit(usable);
    long clientHash = RendezvousHash.ofClient(clientId);
    BrokerView best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      BrokerView b = usable.get(i);
      if (b.meanCpu() <= limit) {
        double score = RendezvousHash.score(clientHash, b);
        if (score > bestScore) {
          bestScore = score;
          best = b;
        }
      }
    }
    if (best == null && n > 0 && limit != Double.POSITIVE_INFINITY) {
      return NONE.place(
          usable, clientId); // only when loads are not numbers: never refuse a device here
    }
    return best;
  }

  /** The highest load a broker may have and still take new session devices. */
  double limit(List<BrokerView> usable) {
    if (epsilon == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double work = 0;
    double capacity = 0;
    for (int i = 0, n = usable.size(); i < n; i++) {
      BrokerView b = usable.get(i);
      work += b.meanCpu() * b.capacity();
      capacity += b.capacity();
    }
    double mean = capacity > 0 ? work / capacity : 0;
    return Math.max((1 + epsilon) * mean, mean + MIN_HEADROOM);
  }
}

package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The default policy: the broker with the lowest expected load.
 *
 * <p>Load is utilisation: a probe reports CPU and memory as fractions (0..1) of what its broker can
 * use, so two brokers at 50 % are equally full whatever their size. Capacity says how much work a
 * broker takes relative to the others; it enters as the size of one device's share: a device costs
 * a capacity-2 broker half the utilisation it costs a capacity-1 broker, so at equal utilisation
 * the bigger broker takes twice the devices. The score combines CPU and memory with the weights of
 * the dynamic-weight scheme (CPU 0.6, memory 0.4), plus two traffic terms that are less noisy than
 * CPU when brokers are lightly loaded: the broker's message rate and client count per unit of
 * capacity, each relative to the busiest usable broker (0..1), weighted {@link #RATE_WEIGHT} and
 * {@link #CONNECTIONS_WEIGHT}. A traffic term counts only when every usable broker reports it.
 *
 * <p>Every signal is corrected for the devices sent to the broker recently, which its reports do
 * not show yet (herd control): each redirect adds one device's share of CPU, and one average
 * device's message rate and connection. The CPU addition fades with a half-life of half the load
 * window, as the device's real load enters the reported mean. The traffic additions are taken back
 * when the broker's reported client count shows them: a count that rose by k since the last one
 * seen accounts for up to k of them. Brokers publish their counts late and at different moments
 * (Mosquitto's {@code $SYS} tree once per {@code sys_interval}, then the probe's next report), so
 * right after a burst one broker can report its new devices while another still reports none; a
 * fixed fade would count the first broker's devices twice in the meantime and the second's not at
 * all, and send every returning device to the second. What no count ever shows (a device that left
 * at once, a broker without counts) fades with a half-life of {@link #TRAFFIC_HALF_LIFE}. So a
 * burst of connects spreads over equal brokers instead of all landing on the one that looked idlest
 * when the last report came in. The expected CPU is not capped at 1: it is demand, not a
 * measurement, and a cap would make every broker look the same once a storm of reconnecting devices
 * had filled them all on paper, losing the ranking exactly when it matters.
 *
 * <p>CPU below {@link #CPU_NOISE_FLOOR} counts as that floor: a lightly loaded broker's CPU reading
 * moves by a few points from one sample to the next, far more than a fleet of idle devices adds, so
 * below the floor brokers count as equally idle and the traffic terms (message rate, then client
 * count) rank them; one device's share there is the minimum, whether the broker reports clients or
 * not, since CPU per client is noise too and brokers that differ only in whether their count has
 * arrived yet must not differ a hundredfold in what a device adds. Scores within half a point of
 * each other count as equal, and among equals the broker with the fewest expected clients per unit
 * of capacity takes the device (with a broker's count missing: the fewest redirects its counts do
 * not show yet, per unit of capacity), then chance decides. Without it, the idle devices returning
 * after a broker failure all went to whichever survivor happened to read a few points lower.
 *
 * <p>A broker that came back (its probe left this dispatcher and returned, it answers again, its
 * reports resumed) reads the CPU of its own start and of the devices rushing to it for a while:
 * after a power cut, the broker that happened to read busiest while accepting its share of the held
 * wave took none of the devices that came after it. Until its load window holds only time after it
 * came back ({@link BrokerView#cpuSettlingAt}), its CPU is taken to be what its devices, reported
 * and on their way, cost on the brokers whose CPU has settled; with none settled (every broker
 * restarted at once), it counts as idle, and client counts and the redirects on their way rank the
 * brokers. A broker this dispatcher never saw leave is taken as it reports, so a restarted
 * dispatcher sees busy brokers as busy at once.
 *
 * <p>Above the floor, one device's share is the broker's CPU divided by its client count when the
 * probe reports a count above zero, else {@link #DEFAULT_DEVICE_CPU} divided by the broker's
 * capacity. The bookkeeping is per dispatcher replica and lock-free.
 */
public final class LeastLoadPolicy implements BrokerPolicy {
  /** Weight of CPU in the load score. */
  public static final double CPU_WEIGHT = 0.6;

  /** Weight of memory in the load score. */
  public static final double MEM_WEIGHT = 0.4;

  /** Weight of the message rate relative to the busiest broker. */
  public static final double RATE_WEIGHT = 0.2;

  /** Weight of the client count relative to the most crowded broker. */
  public static final double CONNECTIONS_WEIGHT = 0.02;

  /**
   * How fast a redirect's addition to the expected message rate and client count fades when no rise
   * of the broker's reported client count takes it back first. Longer than the lag of the counts
   * (Mosquitto's {@code $SYS} interval plus a report interval, 2 s by default), so the devices sent
   * in a burst are still counted when the first broker's new count arrives.
   */
  public static final Duration TRAFFIC_HALF_LIFE = Duration.ofSeconds(5);

  /**
   * Utilisation one device is assumed to add to a capacity-1 broker when the broker's client count
   * is unknown or zero (a broker of capacity c: this divided by c).
   */
  public static final double DEFAULT_DEVICE_CPU = 0.01;

  /**
   * Bounds of one device's share of a capacity-1 broker, against a noisy CPU-per-client figure (a
   * broker whose CPU reads 0 between samples must not look free). The lower bound is low enough
   * that the redirects still in flight do not outweigh what brokers report: at 0.0005 the
   * simulator's fleet, whose devices cost about 0.00001 each, was spread less evenly (max/mean
   * 1.020-1.027 against 1.008-1.010 at 0.0001, seeds 1-4).
   */
  static final double MIN_DEVICE_CPU = 0.0001;

  private static final double MAX_DEVICE_CPU = 0.2;

  /** Expected CPU utilisation below which differences between brokers are taken for noise. */
  public static final double CPU_NOISE_FLOOR = 0.05;

  private final double halfLifeNanos;
  private final double trafficHalfLifeNanos = TRAFFIC_HALF_LIFE.toNanos();
  private final Map<String, AtomicReference<Pending>> pending = new ConcurrentHashMap<>();
  private final RandomGenerator random;

  /**
   * Ties broken with each calling thread's own random source.
   *
   * @param window the load averaging window; recent redirects fade over half of it
   */
  public LeastLoadPolicy(Duration window) {
    this(window, Ties.PER_THREAD);
  }

  /**
   * @param window the load averaging window; recent redirects fade over half of it
   * @param random breaks ties; a seeded generator makes the choices repeatable (one thread only)
   */
  public LeastLoadPolicy(Duration window, RandomGenerator random) {
    this.halfLifeNanos = window.toNanos() / 2.0;
    this.random = random;
  }

  @Override
  public @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos) {
    int n = usable.size();
    if (n == 0) {
      return null;
    }
    double[] recent = new double[n];
    double[] recentTraffic = new double[n];
    boolean allRates = true;
    boolean allClients = true;
    double totalRate = 0;
    double totalClients = 0;
    boolean anySettling = false;
    double settledCpu = 0; // utilisation times capacity, over settled brokers that report clients
    double settledClients = 0;
    for (int i = 0; i < n; i++) {
      BrokerView b = usable.get(i);
      Pending p = reconciled(b, nowNanos);
      recent[i] = p.at(nowNanos, halfLifeNanos);
      recentTraffic[i] = p.trafficAt(nowNanos, trafficHalfLifeNanos);
      allRates &= b.msgRate().isPresent();
      allClients &= b.connections().isPresent();
      totalRate += b.msgRate().orElse(0);
      totalClients += b.connections().orElse(0);
      if (b.cpuSettlingAt(nowNanos)) {
        anySettling = true;
      } else if (b.connections().orElse(0) > 0) {
        settledCpu += b.meanCpu() * b.capacity();
        settledClients += b.connections().getAsLong();
      }
    }
    // What one device costs a capacity-1 broker, as the settled brokers show it (0: none shows it).
    double fleetDeviceCpu = anySettling && settledClients > 0 ? settledCpu / settledClients : 0;
    // A device just sent somewhere is expected to behave like the average device of the fleet.
    double ratePerClient = totalClients > 0 ? totalRate / totalClients : 0;
    double maxRate = 0;
    double maxClients = 0;
    for (int i = 0; i < n; i++) {
      BrokerView b = usable.get(i);
      maxRate = Math.max(maxRate, expectedRate(b, recentTraffic[i], ratePerClient));
      maxClients = Math.max(maxClients, expectedClients(b, recentTraffic[i]));
    }
    double[] scores = new double[n];
    double[] clients = new double[n]; // expected clients per capacity, the tie-break
    for (int i = 0; i < n; i++) {
      BrokerView b = usable.get(i);
      scores[i] =
          b.cpuSettlingAt(nowNanos)
              ? settlingLoad(b, recentTraffic[i], fleetDeviceCpu)
              : load(b, recent[i]);
      // With or without every broker's count: a broker's count where it has one, plus the redirects
      // it does not show yet. The wave of devices released at once after an outage, while the
      // restarted brokers' counts arrive one by one, is dealt out evenly instead of by chance.
      clients[i] = expectedClients(b, recentTraffic[i]);
      if (allRates && maxRate > 0) {
        scores[i] += RATE_WEIGHT * expectedRate(b, recentTraffic[i], ratePerClient) / maxRate;
      }
      if (allClients && maxClients > 0) {
        scores[i] += CONNECTIONS_WEIGHT * expectedClients(b, recentTraffic[i]) / maxClients;
      }
    }
    BrokerView chosen = usable.get(Ties.lowest(scores, clients, random));
    AtomicReference<Pending> ref =
        pending.computeIfAbsent(chosen.id(), id -> new AtomicReference<>(Pending.NONE));
    Pending p;
    do {
      p = Objects.requireNonNull(ref.get());
    } while (!ref.compareAndSet(
        p,
        new Pending(
            p.at(nowNanos, halfLifeNanos) + 1,
            p.trafficAt(nowNanos, trafficHalfLifeNanos) + 1,
            nowNanos,
            p.seenClients)));
    return chosen;
  }

  /**
   * The pending redirects to {@code b}, less those its reported client count shows since the last
   * count seen. Only a changed count writes: once per report, not once per CONNECT.
   */
  private Pending reconciled(BrokerView b, long nowNanos) {
    OptionalLong reported = b.connections();
    AtomicReference<Pending> ref = pending.get(b.id());
    Pending p = ref == null ? Pending.NONE : Objects.requireNonNull(ref.get());
    if (reported.isEmpty() || reported.getAsLong() == p.seenClients) {
      return p;
    }
    long clients = reported.getAsLong();
    if (ref == null) {
      ref = pending.computeIfAbsent(b.id(), id -> new AtomicReference<>(Pending.NONE));
    }
    Pending next;
    do {
      p = Objects.requireNonNull(ref.get());
      if (p.seenClients == clients) {
        return p; // another event loop took this count into account first
      }
      // A first count is a rise from none: the devices it shows were among those sent (a restarted
      // broker's first count is all devices sent since it came back), not on top of them.
      long arrived = p.seenClients < 0 ? clients : Math.max(0, clients - p.seenClients);
      next =
          new Pending(
              p.at(nowNanos, halfLifeNanos),
              Math.max(0, p.trafficAt(nowNanos, trafficHalfLifeNanos) - arrived),
              nowNanos,
              clients);
    } while (!ref.compareAndSet(p, next));
    return next;
  }

  /**
   * CPU and memory part of the score of {@code b} at {@code nowNanos}, recent redirects included.
   */
  double score(BrokerView b, long nowNanos) {
    return load(b, recentRedirects(b.id(), nowNanos));
  }

  private static double load(BrokerView b, double recent) {
    return CPU_WEIGHT * Math.max(CPU_NOISE_FLOOR, b.meanCpu() + recent * deviceCpu(b))
        + MEM_WEIGHT * b.mem();
  }

  /**
   * The load score of a broker whose CPU is still settling: its CPU reading is the burst of its own
   * start and of the devices rushing to it, so its CPU is taken to be what its devices, reported
   * and on their way, cost on the settled brokers; with no settled broker to tell, it counts as
   * idle (the noise floor), and the brokers' client counts and the redirects on their way rank
   * them.
   */
  private static double settlingLoad(BrokerView b, double recentTraffic, double fleetDeviceCpu) {
    double devices = b.connections().orElse(0) + recentTraffic;
    return CPU_WEIGHT * Math.max(CPU_NOISE_FLOOR, devices * fleetDeviceCpu / b.capacity())
        + MEM_WEIGHT * b.mem();
  }

  private static double expectedRate(BrokerView b, double recent, double ratePerClient) {
    return (b.msgRate().orElse(0) + recent * ratePerClient) / b.capacity();
  }

  private static double expectedClients(BrokerView b, double recent) {
    return (b.connections().orElse(0) + recent) / b.capacity();
  }

  /** Redirects to {@code brokerId} not yet reflected in its reports, as a fading count. */
  double recentRedirects(String brokerId, long nowNanos) {
    return pendingOf(brokerId).at(nowNanos, halfLifeNanos);
  }

  private Pending pendingOf(String brokerId) {
    AtomicReference<Pending> ref = pending.get(brokerId);
    return ref == null ? Pending.NONE : Objects.requireNonNull(ref.get());
  }

  /** Utilisation of {@code b} that one more device adds. */
  private static double deviceCpu(BrokerView b) {
    long clients = b.connections().orElse(0);
    double capacity = b.capacity();
    if (b.cpu() < CPU_NOISE_FLOOR) {
      return MIN_DEVICE_CPU / capacity; // CPU per client is noise too
    }
    if (clients <= 0) {
      return DEFAULT_DEVICE_CPU / capacity;
    }
    return Math.max(
        MIN_DEVICE_CPU / capacity, Math.min(MAX_DEVICE_CPU / capacity, b.cpu() / clients));
  }

  /**
   * Counts of recent redirects as of {@code atNanos}, decaying exponentially at two speeds, and the
   * broker's client count they were last reconciled with ({@code -1}: none yet).
   */
  private record Pending(double count, double traffic, long atNanos, long seenClients) {
    static final Pending NONE = new Pending(0, 0, 0, -1);

    double at(long nowNanos, double halfLifeNanos) {
      return decayed(count, nowNanos, halfLifeNanos);
    }

    double trafficAt(long nowNanos, double halfLifeNanos) {
      return decayed(traffic, nowNanos, halfLifeNanos);
    }

    private double decayed(double value, long nowNanos, double halfLifeNanos) {
      if (value == 0) {
        return 0;
      }
      return value * halfPower(Math.max(0, nowNanos - atNanos) / halfLifeNanos);
    }
  }

  /**
   * {@code 2^-t} for {@code t >= 0}, within 0.25 %: exact halvings for the whole part, a polynomial
   * for the fraction. Several times cheaper than {@link Math#pow}, which matters with many brokers.
   */
  static double halfPower(double t) {
    if (t >= 64) {
      return 0;
    }
    int whole = (int) t;
    double f = t - whole;
    double fraction = 1 - f * (0.6931472 - f * (0.2402265 - f * (0.0555041 - f * 0.0096181)));
    return Math.scalb(fraction, -whole);
  }
}

package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of idle MQTT v5 devices: each connects once (the fleet paces the arrivals), stays
 * connected with keep-alive, and finds a broker again by itself when it loses one, the way its
 * {@link EntryPoint} says. The fleet knows at every moment which broker each device is on, counts
 * every connection attempt, and how long each device was without a broker.
 *
 * <pre>{@code
 * try (Fleet fleet = Fleet.start(FleetOptions.of(600), EntryPoint.dispatcher(dispatcher), new DeadEndpoints())) {
 *   fleet.awaitAllConnected(Duration.ofSeconds(30));
 *   Map<HostPort, Integer> perBroker = fleet.connectedPerBroker();
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable, DevicePlacement {
  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  /** Blocking first connects through a dispatcher at once; more would only queue on two cores. */
  private static final int CONNECT_THREADS = 16;

  private final FleetOptions options;
  private final EntryPoint entry;
  private final DeadEndpoints dead;
  private final List<FleetDevice> devices = new ArrayList<>();
  private final Events events = new Events();
  private final AtomicReferenceArray<@Nullable HostPort> brokerOf;
  private final AtomicLongArray lostAtNanos;
  private final AtomicLong longestOutageNanos = new AtomicLong();
  private final Map<HostPort, AtomicInteger> connected = new ConcurrentHashMap<>();
  private final Map<HostPort, LongAdder> landings = new ConcurrentHashMap<>();
  private final Map<HostPort, LongAdder> lossesFrom = new ConcurrentHashMap<>();
  private final AtomicInteger connectedTotal = new AtomicInteger();
  private final AtomicLong losses = new AtomicLong();
  private final AtomicLong allConnectedAtNanos = new AtomicLong(Long.MIN_VALUE);
  private final Counters counters = new Counters();
  private final ExecutorService connecting =
      Executors.newFixedThreadPool(CONNECT_THREADS, daemon("fleet-connect"));
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(2, daemon("fleet-timer"));

  /**
   * Every device's passes back through the dispatcher after a broker loss, at most this many at
   * once.
   */
  private final ScheduledExecutorService reconnects =
      Executors.newScheduledThreadPool(CONNECT_THREADS, daemon("fleet-reconnect"));

  private final Thread arrivals;
  private final long startNanos = System.nanoTime();
  private volatile boolean closed;

  private Fleet(FleetOptions options, EntryPoint entry, DeadEndpoints dead) {
    this.options = options;
    this.entry = entry;
    this.dead = dead;
    this.brokerOf = new AtomicReferenceArray<>(options.devices());
    this.lostAtNanos = new AtomicLongArray(options.devices());
    Function<Integer, FleetDevice> make;
    if (entry instanceof EntryPoint.Dispatcher d) {
      make =
          i -> new DispatchedDevice(i, options, d.address(), events, connecting, timer, reconnects);
    } else if (entry instanceof EntryPoint.Replicas r) {
      make = i -> new DispatchedDevice(i, options, r.of(i), events, connecting, timer, reconnects);
    } else if (entry instanceof EntryPoint.LoadBalancer lb) {
      // One address that always answers: a device behaves as with a name of one A record.
      EntryPoint.Resolver resolver = new EntryPoint.Resolver(List.of(lb.address()));
      make = i -> new RoundRobinDevice(i, options, resolver, events, timer);
    } else {
      EntryPoint.Resolver resolver = ((EntryPoint.DnsRoundRobin) entry).resolver();
      make = i -> new RoundRobinDevice(i, options, resolver, events, timer);
    }
    for (int i = 0; i < options.devices(); i++) {
      devices.add(make.apply(i));
    }
    this.arrivals = new Thread(this::arrive, "fleet-arrivals");
    this.arrivals.setDaemon(true);
  }

  /**
   * Starts connecting the devices at {@link FleetOptions#connectRate()} per second; returns at
   * once.
   */
  public static Fleet start(FleetOptions options, EntryPoint entry, DeadEndpoints dead) {
    Fleet fleet = new Fleet(options, entry, dead);
    LOG.info(
        "fleet of {} idle devices connecting at {}/s via {}",
        options.devices(),
        options.connectRate(),
        entry.describe());
    fleet.arrivals.start();
    return fleet;
  }

  private void arrive() {
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.connectRate();
    for (int i = 0; i < devices.size() && !closed; i++) {
      long due = startNanos + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
      connecting.execute(devices.get(i)::start);
    }
  }

  public FleetOptions options() {
    return options;
  }

  public EntryPoint entry() {
    return entry;
  }

  /** When the fleet started, on the {@link System#nanoTime()} scale. */
  public long startNanos() {
    return startNanos;
  }

  public int size() {
    return devices.size();
  }

  /** Devices connected to a broker now. */
  public int connected() {
    return connectedTotal.get();
  }

  /** Devices connected to {@code broker} now. */
  public int connectedTo(HostPort broker) {
    AtomicInteger n = connected.get(broker);
    return n == null ? 0 : n.get();
  }

  /** Devices connected now, per broker they are on. */
  public Map<HostPort, Integer> connectedPerBroker() {
    Map<HostPort, Integer> out = new ConcurrentHashMap<>();
    connected.forEach((b, n) -> out.put(b, n.get()));
    return out;
  }

  /** The devices' own view: the broker each one is connected to. */
  @Override
  public Counts count(List<HostPort> brokers) {
    return new Counts(
        brokers.stream().map(this::connectedTo).toList(),
        brokers.stream().map(this::landingsOn).toList());
  }

  /** How many times a device arrived on {@code broker}, first connects and reconnects alike. */
  public long landingsOn(HostPort broker) {
    LongAdder n = landings.get(broker);
    return n == null ? 0 : n.sum();
  }

  /**
   * How many times a device lost {@code broker} (the broker closed the connection or stopped
   * answering), so far.
   */
  public long lossesFrom(HostPort broker) {
    LongAdder n = lossesFrom.get(broker);
    return n == null ? 0 : n.sum();
  }

  /** How many times a device lost its broker, so far. */
  public long losses() {
    return losses.get();
  }

  /** Every connection attempt so far. */
  public AttemptCounts attempts() {
    return counters.snapshot();
  }

  /** The longest time one device was without a broker after losing one (zero before any loss). */
  public Duration longestOutage() {
    long longest = longestOutageNanos.get();
    for (int i = 0; i < lostAtNanos.length(); i++) {
      long lostAt = lostAtNanos.get(i);
      if (lostAt != 0) {
        longest = Math.max(longest, System.nanoTime() - lostAt); // still out
      }
    }
    return Duration.ofNanos(longest);
  }

  /**
   * Waits until every device is connected; returns how long after the fleet started that first
   * happened, or null when it did not within {@code timeout}.
   */
  public @Nullable Duration awaitAllConnected(Duration timeout) throws InterruptedException {
    return awaitAllBack(startNanos, 0, 0, timeout);
  }

  /**
   * Waits until {@code expectedLosses} devices have lost their broker since the fleet's loss count
   * was {@code lossesBefore}, and then until every device is connected again.
   *
   * @param sinceNanos when the event happened, on the {@link System#nanoTime()} scale
   * @return the time from {@code sinceNanos} until every device was connected again, or null when
   *     that did not happen within {@code timeout}
   */
  public @Nullable Duration awaitAllBack(
      long sinceNanos, long lossesBefore, int expectedLosses, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long at = allConnectedAtNanos.get();
      if (losses.get() - lossesBefore >= expectedLosses
          && connectedTotal.get() == devices.size()
          && at >= sinceNanos) {
        return Duration.ofNanos(at - sinceNanos);
      }
      Thread.sleep(10);
    }
    return null;
  }

  private AtomicInteger counter(HostPort broker) {
    return connected.computeIfAbsent(broker, b -> new AtomicInteger());
  }

  /** Disconnects every device and stops all reconnecting. */
  @Override
  public void close() {
    closed = true;
    arrivals.interrupt();
    connecting.shutdownNow();
    timer.shutdownNow();
    reconnects.shutdownNow();
    devices.forEach(FleetDevice::close);
    LOG.info("fleet closed: {} devices were connected", connectedTotal.get());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Device reports, kept in the fleet's counts. */
  private final class Events implements DeviceEvents {
    @Override
    public void landed(int device, HostPort broker) {
      counters.attempts.increment();
      counters.landed.increment();
      landings.computeIfAbsent(broker, b -> new LongAdder()).increment();
      long lostAt = lostAtNanos.getAndSet(device, 0);
      if (lostAt != 0) {
        long outage = System.nanoTime() - lostAt;
        longestOutageNanos.accumulateAndGet(outage, Math::max);
      }
      HostPort previous = brokerOf.getAndSet(device, broker);
      if (previous != null) {
        counter(previous)
            .decrementAndGet(); // a landing without a loss heard first: never double count
      } else if (connectedTotal.incrementAndGet() == devices.size()) {
        allConnectedAtNanos.set(System.nanoTime());
      }
      counter(broker).incrementAndGet();
    }

    @Override
    public void lost(int device, HostPort broker) {
      if (closed) {
        return;
      }
      if (leave(device, broker)) {
        lossesFrom.computeIfAbsent(broker, b -> new LongAdder()).increment();
        losses.incrementAndGet();
        lostAtNanos.set(device, System.nanoTime());
      }
    }

    @Override
    public void left(int device, HostPort broker) {
      leave(device, broker);
    }

    /**
     * Device {@code device} is no longer on {@code broker}; false when it was not on it (already
     * counted).
     */
    private boolean leave(int device, HostPort broker) {
      HostPort current = brokerOf.get(device);
      // compareAndSet compares references: each event carries its own HostPort, so compare the one
      // held.
      if (current == null
          || !current.equals(broker)
          || !brokerOf.compareAndSet(device, current, null)) {
        return false;
      }
      counter(current).decrementAndGet();
      connectedTotal.decrementAndGet();
      return true;
    }

    @Override
    public void redirected(HostPort target) {
      counters.attempts.increment();
      counters.redirected.increment();
    }

    @Override
    public void failed(HostPort target, long startedNanos, String cause) {
      counters.attempts.increment();
      counters.failed.increment();
      counters.failedBy.computeIfAbsent(cause, c -> new LongAdder()).increment();
      if (dead.wasDownAt(target, startedNanos)) {
        counters.toDeadEndpoint.increment();
      }
    }
  }

  /** Attempt counters, added to from client threads. */
  private static final class Counters {
    final LongAdder attempts = new LongAdder();
    final LongAdder landed = new LongAdder();
    final LongAdder redirected = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder toDeadEndpoint = new LongAdder();
    final Map<String, LongAdder> failedBy = new ConcurrentHashMap<>();

    AttemptCounts snapshot() {
      Map<String, Long> causes = new TreeMap<>();
      failedBy.forEach((cause, n) -> causes.put(cause, n.sum()));
      return new AttemptCounts(
          attempts.sum(),
          landed.sum(),
          redirected.sum(),
          failed.sum(),
          toDeadEndpoint.sum(),
          causes);
    }
  }
}

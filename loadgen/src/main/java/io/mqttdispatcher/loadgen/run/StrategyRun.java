package io.mqttdispatcher.loadgen.run;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.haproxy.Haproxy;
import io.mqttdispatcher.loadgen.scenario.ArrivalPlan;
import io.mqttdispatcher.loadgen.scenario.PlannedPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One strategy from the first arrival to the last counted message. */
final class StrategyRun {
  private static final Logger LOG = LoggerFactory.getLogger(StrategyRun.class);

  /** Extra seconds allowed for connects and stragglers beyond the scenario's own length. */
  private static final int SLACK_SECONDS = 15;

  private final RunOptions options;
  private final Strategy strategy;
  private final LoadSource loads;
  private final Consumer<Progress> progress;
  private final @Nullable Haproxy balancer;
  private final CpuClock cpuClock;
  private final List<BrokerSubscriber> subscribers = new ArrayList<>();

  /**
   * @param balancer the HAProxy the {@code haproxy} strategy's publishers connect to; null for the
   *     other strategies
   */
  StrategyRun(
      RunOptions options,
      Strategy strategy,
      LoadSource loads,
      Consumer<Progress> progress,
      @Nullable Haproxy balancer) {
    if ((strategy == Strategy.HAPROXY) != (balancer != null)) {
      throw new IllegalArgumentException("the haproxy strategy, and only it, runs with an HAProxy");
    }
    this.options = options;
    this.strategy = strategy;
    this.loads = loads;
    this.progress = progress;
    this.balancer = balancer;
    this.cpuClock =
        new CpuClock(
            options.cpu().brokerPids(),
            balancer == null ? null : balancer::cpuTime,
            strategy == Strategy.DISPATCHER ? options.cpu().dispatcherPid() : null);
  }

  StrategyResult run() throws InterruptedException {
    List<HostPort> brokers = options.brokers();
    int n = brokers.size();
    List<PlannedPublisher> plan =
        ArrivalPlan.of(options.scenario(), options.seed(), options.heavyAt());
    int expectedSeconds =
        (int)
            Math.ceil(
                options.scenario().length().toMillis() / 1000.0
                    + options.drain().toMillis() / 1000.0);
    int capacity = expectedSeconds + SLACK_SECONDS;
    String runTag = strategy.wireName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    String topicPrefix = "loadgen/" + runTag;
    long origin = System.nanoTime();

    List<BucketCounter> counters = new ArrayList<>();
    List<Publisher> publishers = new ArrayList<>();
    BrokerSecond[][] timeline = new BrokerSecond[capacity][];
    ScheduledExecutorService starter =
        Executors.newSingleThreadScheduledExecutor(named("loadgen-connect"));
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(named("loadgen-publish"));
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(named("loadgen-sample"));
    CpuClock.Reading cpuAtStart = null;
    CpuClock.Reading cpuAtEnd = null;
    try {
      for (HostPort broker : brokers) {
        BucketCounter counter = new BucketCounter(origin, capacity);
        counters.add(counter);
        subscribers.add(BrokerSubscriber.start(broker, topicPrefix + "/#", counter));
      }
      for (PlannedPublisher p : plan) {
        Publisher publisher = new Publisher(p, topicPrefix, origin);
        publishers.add(publisher);
        HostPort entry =
            switch (strategy) {
              case DISPATCHER -> options.dispatcher();
              case DNS_RR -> brokers.get((p.position() - 1) % n);
              case HAPROXY -> Objects.requireNonNull(balancer).address();
            };
        starter.schedule(
            () -> {
              try {
                publisher.start(
                    entry, options.tenantOf(p.position()) + runTag + "-" + p.id(), ticker);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            p.arrival().toMillis(),
            TimeUnit.MILLISECONDS);
      }
      cpuAtStart = cpuClock.read();
      loads.sample(); // primes counters of sources that measure deltas
      sampler.scheduleAtFixedRate(
          () -> sampleSecond(origin, publishers, counters, timeline, capacity, expectedSeconds),
          1000,
          1000,
          TimeUnit.MILLISECONDS);

      long deadline = origin + (long) capacity * 1_000_000_000L - options.drain().toNanos();
      while (!publishers.stream().allMatch(Publisher::isDone) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (!publishers.stream().allMatch(Publisher::isDone)) {
        LOG.warn(
            "{}: publishers still running at the run's time limit; stopping them",
            strategy.wireName());
      }
      Thread.sleep(options.drain().toMillis());
      cpuAtEnd = cpuClock.read();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(strategy.wireName() + ": " + e.getMessage(), e);
    } finally {
      starter.shutdownNow();
      publishers.forEach(Publisher::stop);
      ticker.shutdownNow();
      sampler.shutdownNow();
      sampler.awaitTermination(2, TimeUnit.SECONDS);
      subscribers.forEach(BrokerSubscriber::close);
    }
    CpuUse cpu =
        cpuAtStart == null || cpuAtEnd == null ? CpuUse.UNKNOWN : cpuAtEnd.since(cpuAtStart);
    return result(plan, publishers, counters, timeline, origin, cpu);
  }

  /**
   * The broker {@code p} is on: the one it connected to, or behind a load balancer, which does not
   * tell, the one whose subscriber received its messages; null when neither is known.
   */
  private @Nullable HostPort brokerOf(Publisher p) {
    HostPort connected = p.broker();
    return balancer == null || connected == null ? connected : receivedBy(p);
  }

  /** The broker whose subscriber received {@code p}'s messages, or null. */
  private @Nullable HostPort receivedBy(Publisher p) {
    for (int i = 0; i < subscribers.size(); i++) {
      if (subscribers.get(i).received(p.topic())) {
        return options.brokers().get(i);
      }
    }
    return null;
  }

  private void sampleSecond(
      long origin,
      List<Publisher> publishers,
      List<BucketCounter> counters,
      BrokerSecond[][] timeline,
      int capacity,
      int expectedSeconds) {
    // Samples fire at whole seconds; rounding keeps a tick that fires a little early on its own
    // second.
    int second = (int) Math.round((System.nanoTime() - origin) / 1e9) - 1;
    if (second < 0 || second >= capacity || timeline[second] != null) {
      return;
    }
    List<BrokerLoad> load = loads.sample();
    List<HostPort> brokers = options.brokers();
    int[] onBroker = new int[brokers.size()];
    int sending = 0;
    for (Publisher p : publishers) {
      HostPort b = brokerOf(p);
      int i = b == null ? -1 : brokers.indexOf(b);
      if (i >= 0) {
        onBroker[i]++;
      }
      sending += p.isSending() ? 1 : 0;
    }
    BrokerSecond[] row = new BrokerSecond[brokers.size()];
    List<Long> rates = new ArrayList<>();
    List<@Nullable Double> cpus = new ArrayList<>();
    for (int i = 0; i < row.length; i++) {
      long messages = counters.get(i).at(second);
      row[i] =
          new BrokerSecond(
              second, i, messages, load.get(i).cpu(), load.get(i).connections(), onBroker[i]);
      rates.add(messages);
      cpus.add(load.get(i).cpu());
    }
    timeline[second] = row;
    progress.accept(
        new Progress(
            strategy.wireName(),
            second + 1,
            expectedSeconds,
            sending,
            publishers.size(),
            rates,
            cpus));
  }

  private StrategyResult result(
      List<PlannedPublisher> plan,
      List<Publisher> publishers,
      List<BucketCounter> counters,
      BrokerSecond[][] timeline,
      long origin,
      CpuUse cpu) {
    List<HostPort> brokers = options.brokers();
    List<PublisherResult> results =
        publishers.stream().map(p -> balancer == null ? p.result() : placed(p)).toList();
    List<String> warnings = new ArrayList<>();
    for (PublisherResult r : results) {
      if (r.error() != null) {
        warnings.add(r.id() + " reached no broker: " + r.error());
      } else if (r.broker() != null && !brokers.contains(HostPort.parse(r.broker()))) {
        warnings.add(
            r.id()
                + " was sent to "
                + r.broker()
                + ", which is not in --brokers: its messages are not counted");
      } else if (!r.keptUp()) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "%s sent %.0f msg/s of %.0f configured (%d missed): this machine could not keep up",
                r.id(),
                r.achievedRate(),
                r.targetRate(),
                r.missed()));
      }
    }
    warnings.forEach(w -> LOG.warn("{}: {}", strategy.wireName(), w));

    int lastSecond = counters.get(0).seconds();
    List<BrokerSecond> rows = new ArrayList<>();
    int recorded = 0;
    for (int s = 0; s < timeline.length; s++) {
      if (timeline[s] != null) {
        recorded = s + 1;
      }
    }
    // Every second up to the last one that counted a message appears, so the rows add up to the
    // totals.
    for (int s = 0; s < lastSecond; s++) {
      boolean hasMessages = false;
      for (BucketCounter c : counters) {
        hasMessages |= c.at(s) > 0;
      }
      if (s >= recorded && !hasMessages) {
        continue;
      }
      for (int b = 0; b < brokers.size(); b++) {
        BrokerSecond sampled = timeline[s] == null ? null : timeline[s][b];
        long messages = counters.get(b).at(s);
        rows.add(
            sampled == null
                ? new BrokerSecond(s, b, messages, null, null, 0)
                : new BrokerSecond(
                    s, b, messages, sampled.cpu(), sampled.connections(), sampled.publishers()));
      }
    }
    double firstStart =
        results.stream()
            .filter(r -> r.startSecond() >= 0)
            .mapToDouble(PublisherResult::startSecond)
            .min()
            .orElse(0);
    double lastEnd =
        results.stream()
            .filter(r -> r.startSecond() >= 0)
            .mapToDouble(
                r ->
                    r.startSecond()
                        + plan.get(r.position() - 1).group().duration().toMillis() / 1000.0)
            .max()
            .orElse(0);
    List<Long> received = counters.stream().map(BucketCounter::total).toList();
    LOG.debug(
        "{} finished after {} ms", strategy.wireName(), (System.nanoTime() - origin) / 1_000_000);
    return new StrategyResult(
        strategy.wireName(),
        options.scenario().name(),
        options.seed(),
        brokers.stream().map(HostPort::toString).toList(),
        loads.describe(),
        results,
        rows,
        received,
        (int) Math.floor(firstStart),
        (int) Math.ceil(lastEnd),
        warnings,
        cpu);
  }

  /**
   * The result of a publisher behind the balancer, on the broker that received its messages (the
   * balancer's address when none did).
   */
  private PublisherResult placed(Publisher p) {
    PublisherResult r = p.result();
    HostPort on = receivedBy(p);
    return r.broker() == null || on == null ? r : r.onBroker(on.toString());
  }

  private static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

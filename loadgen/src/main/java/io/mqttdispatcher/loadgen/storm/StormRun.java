package io.mqttdispatcher.loadgen.storm;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.demo.ProbeConnections;
import io.mqttdispatcher.loadgen.fleet.AttemptCounts;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.DeadEndpoints;
import io.mqttdispatcher.loadgen.fleet.DevicePlacement;
import io.mqttdispatcher.loadgen.fleet.EntryPoint;
import io.mqttdispatcher.loadgen.fleet.Fleet;
import io.mqttdispatcher.loadgen.fleet.Spread;
import io.mqttdispatcher.loadgen.haproxy.Haproxy;
import io.mqttdispatcher.loadgen.haproxy.HaproxyPlacement;
import io.mqttdispatcher.loadgen.run.Strategy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * One strategy's storm on a running stack, phase by phase: the fleet connects; one broker is killed
 * (SIGKILL) and stays dead; then the power is cut (every probe and broker killed) and, after the
 * outage, every broker and its probe start again, so every device must reconnect.
 */
final class StormRun {
  /** The dispatcher's default {@code --stale-after}, which the demo stack keeps. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(3);

  private final StormOptions options;
  private final DemoStack stack;
  private final Strategy strategy;
  private final Consumer<String> progress;
  private final List<String> warnings = new ArrayList<>();
  private final @Nullable Haproxy balancer;

  /**
   * @param balancer the HAProxy in front of the stack's brokers for the {@code haproxy} strategy;
   *     null for the others
   */
  StormRun(
      StormOptions options,
      DemoStack stack,
      Strategy strategy,
      Consumer<String> progress,
      @Nullable Haproxy balancer) {
    if ((strategy == Strategy.HAPROXY) != (balancer != null)) {
      throw new IllegalArgumentException("the haproxy strategy, and only it, runs with an HAProxy");
    }
    this.options = options;
    this.stack = stack;
    this.strategy = strategy;
    this.progress = progress;
    this.balancer = balancer;
  }

  StormResult run() throws Exception {
    List<HostPort> brokers = stack.brokers();
    DeadEndpoints dead = new DeadEndpoints();
    Haproxy lb = balancer;
    EntryPoint entry =
        switch (strategy) {
          case DISPATCHER -> EntryPoint.dispatcher(stack.dispatcher());
          case DNS_RR -> EntryPoint.dnsRoundRobin(brokers);
          case HAPROXY -> EntryPoint.loadBalancer(Objects.requireNonNull(lb).address());
        };
    int n = options.fleet().devices();
    Fleet fleet = Fleet.start(options.fleet(), entry, dead);
    // Behind HAProxy every device is on its one address: HAProxy knows which broker each is on.
    DevicePlacement placement = lb == null ? fleet : new HaproxyPlacement(lb);
    ConnectionTimeline timeline =
        ConnectionTimeline.start(
            fleet,
            placement,
            brokers,
            options.sampleInterval(),
            new ProbeConnections(stack.admin(), brokers));
    try {
      // 1. Every device connects, paced, and stays.
      Duration arrivals = Duration.ofMillis(1000L * n / options.fleet().connectRate());
      Duration connected = fleet.awaitAllConnected(arrivals.plus(options.recoverTimeout()));
      say(
          connected == null
              ? "not every device connected: " + fleet.connected() + "/" + n
              : fmt(
                  "%d devices connected in %.1f s: %s",
                  n, seconds(connected), spread(placement, brokers)));
      if (connected == null) {
        warnings.add("only " + fleet.connected() + " of " + n + " devices connected at the start");
      }
      sleep(options.settle());

      // 2. One broker dies and stays dead.
      int k = options.killBroker() - 1;
      HostPort victim = brokers.get(k);
      int onVictim = placement.count(List.of(victim)).devices().get(0);
      long lossesBefore = fleet.losses();
      AttemptCounts beforeKill = fleet.attempts();
      Long balancerBeforeKill = balancerDeadConnects();
      ConnectionTimeline.Mark killMark = timeline.mark("kill broker-" + (k + 1));
      dead.markDown(victim);
      long killAt = System.nanoTime();
      stack.killBrokers(List.of(k));
      Duration afterKill =
          fleet.awaitAllBack(killAt, lossesBefore, onVictim, options.recoverTimeout());
      say(
          afterKill == null
              ? "after the kill, not every device came back: " + fleet.connected() + "/" + n
              : fmt(
                  "killed broker-%d (%d devices on it): all back after %.2f s: %s",
                  k + 1, onVictim, seconds(afterKill), spread(placement, brokers)));
      sleepUntil(killAt + options.deadFor().toNanos());
      List<Integer> onEach = placement.count(brokers).devices();
      List<Integer> survivors =
          IntStream.range(0, brokers.size()).filter(i -> i != k).mapToObj(onEach::get).toList();
      Spread overSurvivors = Spread.of(survivors);

      // 3. Power cut: every host down at once, then back after the outage. On a real power cut no
      // connection is closed: the dispatcher notices when the reports stop (--stale-after, 3 s),
      // the
      // devices only when their keep-alive runs out. On loopback the kernel closes both at once, so
      // the
      // probes die first and the brokers once the dispatcher has noticed, to keep the real order.
      AttemptCounts beforeCut = fleet.attempts();
      Long balancerBeforeCut = balancerDeadConnects();
      int connectedAtCut = fleet.connected();
      long lossesBeforeCut = fleet.losses();
      ConnectionTimeline.Mark cutMark = timeline.mark("power cut");
      List<Integer> all = IntStream.range(0, brokers.size()).boxed().toList();
      brokers.forEach(dead::markDown);
      long cutAt = System.nanoTime();
      stack.killProbes(all);
      stack.awaitUsable(0, STALE_AFTER.plusSeconds(2));
      stack.killBrokers(all);
      say(
          fmt(
              "power cut: every probe and broker killed, %d devices connected before",
              connectedAtCut));
      sleepUntil(cutAt + options.outage().toNanos());
      timeline.mark("power back");
      long restoreAt = System.nanoTime();
      stack.startBrokers(all);
      brokers.forEach(dead::markUp);
      for (int i : all) {
        stack.startProbe(i);
      }
      Duration afterRestore =
          fleet.awaitAllBack(restoreAt, lossesBeforeCut, connectedAtCut, options.recoverTimeout());
      say(
          afterRestore == null
              ? "after the restart, not every device came back: " + fleet.connected() + "/" + n
              : fmt(
                  "brokers restarted: all back after %.2f s: %s",
                  seconds(afterRestore), spread(placement, brokers)));

      // 4. Watch, then take the final spread.
      sleep(options.observe());
      timeline.mark("end");
      timeline.close();
      Spread end = Spread.of(placement.count(brokers).devices());
      AttemptCounts total = fleet.attempts();
      Long balancerAtEnd = balancerDeadConnects();
      List<StormEvent> events =
          List.of(
              event(
                  killMark,
                  "kill broker-" + (k + 1),
                  onVictim,
                  afterKill,
                  "the kill",
                  beforeCut.minus(beforeKill),
                  minus(balancerBeforeCut, balancerBeforeKill)),
              event(
                  cutMark,
                  fmt("power cut, brokers restarted after %s", describe(options.outage())),
                  connectedAtCut,
                  afterRestore,
                  "the restart",
                  total.minus(beforeCut),
                  minus(balancerAtEnd, balancerBeforeCut)));
      return new StormResult(
          strategy.wireName(),
          entry.describe(),
          n,
          brokers.stream().map(HostPort::toString).toList(),
          connected == null ? null : seconds(connected),
          events,
          overSurvivors,
          end,
          total,
          seconds(fleet.longestOutage()),
          timeline.samples(),
          timeline.marks(),
          warnings);
    } finally {
      timeline.close();
      fleet.close();
    }
  }

  private StormEvent event(
      ConnectionTimeline.Mark mark,
      String name,
      int lost,
      @Nullable Duration back,
      String from,
      AttemptCounts attempts,
      @Nullable Long balancerDeadConnects) {
    if (back == null) {
      warnings.add(
          name + ": not every device was back within " + describe(options.recoverTimeout()));
    }
    return new StormEvent(
        name,
        mark.millis() / 1000.0,
        lost,
        back == null ? null : seconds(back),
        from,
        attempts,
        balancerDeadConnects);
  }

  /** The balancer's connects to a dead broker so far; null without a balancer. */
  private @Nullable Long balancerDeadConnects() throws IOException {
    Haproxy lb = balancer;
    return lb == null ? null : lb.deadConnects();
  }

  private static @Nullable Long minus(@Nullable Long later, @Nullable Long earlier) {
    return later == null || earlier == null ? null : later - earlier;
  }

  private static String spread(DevicePlacement placement, List<HostPort> brokers) {
    List<Integer> counts = placement.count(brokers).devices();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < brokers.size(); i++) {
      parts.add("broker-" + (i + 1) + " " + counts.get(i));
    }
    return String.join(", ", parts);
  }

  private void say(String line) {
    progress.accept("[" + strategy.wireName() + "] " + line);
  }

  private static void sleep(Duration d) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(d.toNanos());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String describe(Duration d) {
    return io.mqttdispatcher.cli.DurationConverter.format(d);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}

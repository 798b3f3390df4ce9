package io.mqttdispatcher.loadgen.rebalance;

import static io.mqttdispatcher.loadgen.rebalance.StackControl.fmt;
import static io.mqttdispatcher.loadgen.rebalance.StackControl.seconds;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.rebalance.PlanChooser;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.demo.ProbeConnections;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.DeadEndpoints;
import io.mqttdispatcher.loadgen.fleet.EntryPoint;
import io.mqttdispatcher.loadgen.fleet.Fleet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A broker joins and a rebalance moves devices onto it: three brokers, the fleet connected while
 * only the first two take devices; then the third one's probe starts, and a rebalance is asked of
 * the first dispatcher replica (with two replicas, the fleet is spread over both and the status is
 * read from the other one).
 */
final class ScaleOutRun {
  /** The broker that joins (0-based): the third. */
  static final int JOINING = 2;

  private final RebalanceOptions options;
  private final StackControl control;
  private final RebalanceMode mode;
  private final Consumer<String> progress;
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();

  ScaleOutRun(
      RebalanceOptions options,
      StackControl control,
      RebalanceMode mode,
      Consumer<String> progress) {
    this.options = options;
    this.control = control;
    this.mode = mode;
    this.progress = progress;
  }

  RebalanceResult run() throws Exception {
    DemoStack stack = control.stack();
    List<HostPort> brokers = stack.brokers();
    int n = options.fleet().devices();
    EntryPoint entry =
        control.replicas() > 1
            ? EntryPoint.replicas(stack.dispatchers())
            : EntryPoint.dispatcher(stack.dispatcher());
    Fleet fleet = Fleet.start(options.fleet(), entry, new DeadEndpoints());
    ConnectionTimeline timeline =
        ConnectionTimeline.start(
            fleet, brokers, options.sampleInterval(), new ProbeConnections(stack.admin(), brokers));
    try {
      // 1. The fleet connects while two brokers take devices.
      Duration arrivals = Duration.ofMillis(1000L * n / options.fleet().connectRate());
      Duration connected = fleet.awaitAllConnected(arrivals.plus(options.planTimeout()));
      if (connected == null) {
        return failed(
            fleet, timeline, "only " + fleet.connected() + " of " + n + " devices connected");
      }
      say(
          fmt(
              "%d devices connected in %.1f s via %s: %s",
              n, seconds(connected.toNanos()), entry.describe(), spread(fleet, brokers)));
      if (!control.awaitReported(
          b -> b == JOINING ? null : (Long) (long) fleet.connectedTo(brokers.get(b)),
          options.planTimeout())) {
        warnings.add("the brokers' $SYS counts did not match the fleet's before the join");
      }
      sleep(options.settle());

      // 2. The third broker joins: its probe starts, every replica takes it.
      timeline.mark("broker-3 joins");
      stack.startProbe(JOINING);
      stack.awaitUsable(RebalanceOptions.BROKERS, options.planTimeout());
      if (!control.awaitReported(b -> b == JOINING ? 0L : null, options.planTimeout())) {
        return failed(fleet, timeline, "no replica saw broker-3's connection count");
      }
      say("broker-3 joined (its probe reports to every replica): " + spread(fleet, brokers));
      sleep(options.settle());

      // 3. The rebalance, asked of the first replica only.
      long[] landingsBefore = brokers.stream().mapToLong(fleet::landingsOn).toArray();
      EvictionClock clock = EvictionClock.start(fleet, brokers);
      timeline.mark("rebalance started");
      long startAt = System.nanoTime();
      JsonObject plan =
          control.post(
              0,
              "/rebalance",
              new JsonObject()
                  .put("rate", options.rate())
                  .put("absThreshold", options.absThreshold())
                  .put("relThreshold", options.relThreshold())
                  .put("waitSeconds", options.waitBeforeEviction().toMillis() / 1000.0));
      List<Integer> donors = new ArrayList<>();
      plan.getJsonArray("donors")
          .forEach(d -> donors.add(StackControl.brokerIndex(((JsonObject) d).getString("id"))));
      List<Integer> recipients = new ArrayList<>();
      plan.getJsonArray("recipients")
          .forEach(r -> recipients.add(StackControl.brokerIndex((String) r)));
      say(
          fmt(
              "rebalance %s asked of replica 1: donors %s, recipients %s, %s devices/s per donor",
              plan.getString("id"),
              names(donors),
              names(recipients),
              Checks.number(options.rate())));

      // A donor's landings are read at every poll that still shows its part of the plan active:
      // landings up to the last such poll came while the donor was excluded from placement.
      String[] state = {"waiting"};
      long[] landingsWhileDonor = landingsBefore.clone();
      boolean ended =
          StackControl.await(
              () -> {
                long[] landings = brokers.stream().mapToLong(fleet::landingsOn).toArray();
                JsonObject s = control.lastAdmin().get("/rebalance").body();
                state[0] = s.getString("state", "none");
                JsonArray parts = s.getJsonArray("donors", new JsonArray());
                for (int i = 0; i < parts.size(); i++) {
                  JsonObject part = parts.getJsonObject(i);
                  int d = StackControl.brokerIndex(part.getString("id", ""));
                  String partState = part.getString("state", "");
                  if (d >= 0 && (partState.equals("waiting") || partState.equals("evicting"))) {
                    landingsWhileDonor[d] = landings[d];
                  }
                }
                return !state[0].equals("waiting") && !state[0].equals("evicting");
              },
              options.planTimeout());
      long endAt = System.nanoTime();
      timeline.mark("rebalance " + state[0]);
      boolean allBack = StackControl.await(() -> fleet.connected() == n, options.planTimeout());
      long backOnDonor = 0;
      long onDonorAfterItsPart = 0;
      for (int d : donors) {
        backOnDonor += landingsWhileDonor[d] - landingsBefore[d];
        onDonorAfterItsPart += fleet.landingsOn(brokers.get(d)) - landingsWhileDonor[d];
      }
      sleep(options.settle());
      timeline.mark("end");
      clock.close();
      timeline.close();
      say(
          fmt(
              "rebalance %s after %.1f s: %s",
              state[0], seconds(endAt - startAt), spread(fleet, brokers)));

      // 4. What it shows.
      List<Integer> counts = brokers.stream().map(fleet::connectedTo).toList();
      double recipientMean = recipients.stream().mapToInt(counts::get).average().orElse(0);
      JsonObject status = control.lastAdmin().get("/rebalance").body();
      figures.put("devices", String.valueOf(n));
      figures.put("entry", entry.describe());
      figures.put(
          "plan",
          fmt(
              "%s devices/s per donor, thresholds %s absolute and %s relative, wait %s s",
              Checks.number(options.rate()),
              Checks.number(options.absThreshold()),
              Checks.number(options.relThreshold()),
              Checks.number(options.waitBeforeEviction().toMillis() / 1000.0)));
      figures.put("donors / recipients", names(donors) + " / " + names(recipients));
      figures.put("devices per broker before", counts(timeline, startAt, fleet));
      figures.put("devices per broker at the end", counts.toString());
      figures.put("plan took s (start to " + state[0] + ")", fmt("%.2f", seconds(endAt - startAt)));
      long moved = 0;
      for (int d : donors) {
        moved += clock.moved(d);
      }
      figures.put("devices moved off the donors", String.valueOf(moved));
      figures.put(
          "devices that landed on a donor after its part of the plan ended",
          String.valueOf(onDonorAfterItsPart));
      figures.put("takeovers the probes counted", String.valueOf(status.getLong("evicted", -1L)));

      checks.add(
          Checks.planState(
              control.replicas() > 1
                  ? "plan state, as replica " + control.replicas() + " (not asked) reports"
                  : "plan state",
              ended ? state[0] : "still " + state[0] + " after the timeout"));
      if (control.replicas() > 1) {
        String first = control.admin(0).get("/rebalance").body().getString("id", "");
        checks.add(
            new Check(
                "every replica reports the same plan",
                first + " / " + status.getString("id", ""),
                "the same id",
                first.equals(status.getString("id", "")) && !first.isEmpty()));
      }
      List<String> within = new ArrayList<>();
      boolean allWithin = !donors.isEmpty();
      for (int d : donors) {
        boolean ok =
            PlanChooser.withinThresholds(
                counts.get(d), recipientMean, options.absThreshold(), options.relThreshold());
        allWithin &= ok;
        within.add(fmt("%s %d", StackControl.brokerId(d), counts.get(d)));
      }
      checks.add(
          new Check(
              "donors within the thresholds at the end",
              String.join(", ", within) + fmt(" (recipients' mean %.1f)", recipientMean),
              fmt(
                  "below mean + %s or mean x %s",
                  Checks.number(options.absThreshold()), Checks.number(options.relThreshold())),
              allWithin));
      checks.add(Checks.allConnected(allBack ? n : fleet.connected(), n));
      checks.add(Checks.longestOutage(fleet.longestOutage(), options.maxOutage()));
      checks.add(
          new Check(
              "devices back on a donor during the plan",
              String.valueOf(backOnDonor),
              "0",
              backOnDonor == 0));
      for (int d : donors) {
        checks.add(
            Checks.evictionRate(
                StackControl.brokerId(d),
                clock.rate(d),
                clock.moved(d),
                options.rate(),
                options.rateTolerance()));
      }
      return result(fleet, timeline);
    } finally {
      timeline.close();
      fleet.close();
    }
  }

  private static String counts(ConnectionTimeline timeline, long atNanos, Fleet fleet) {
    long millis = TimeUnit.NANOSECONDS.toMillis(atNanos - fleet.startNanos());
    ConnectionTimeline.Sample before = null;
    for (ConnectionTimeline.Sample s : timeline.samples()) {
      if (s.millis() <= millis) {
        before = s;
      }
    }
    return before == null ? "?" : before.devices().toString();
  }

  private RebalanceResult failed(Fleet fleet, ConnectionTimeline timeline, String why) {
    timeline.mark("end");
    timeline.close();
    say(why);
    checks.add(new Check("the run got as far as the plan", why, "every step done", false));
    return result(fleet, timeline);
  }

  private RebalanceResult result(Fleet fleet, ConnectionTimeline timeline) {
    return new RebalanceResult(
        mode.wireName(),
        fmt(
            "%d idle devices connected through %s while broker-1 and broker-2 took devices; broker-3 joined, then a rebalance was asked of replica 1.",
            fleet.size(),
            control.replicas() > 1
                ? control.replicas() + " dispatcher replicas"
                : "the dispatcher"),
        fleet.size(),
        control.stack().brokers().stream().map(HostPort::toString).toList(),
        figures,
        checks,
        timeline.samples(),
        timeline.marks(),
        warnings);
  }

  static String spread(Fleet fleet, List<HostPort> brokers) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < brokers.size(); i++) {
      parts.add(StackControl.brokerId(i) + " " + fleet.connectedTo(brokers.get(i)));
    }
    return String.join(", ", parts);
  }

  private static String names(List<Integer> brokers) {
    return String.join(", ", brokers.stream().map(StackControl::brokerId).toList());
  }

  private void say(String line) {
    progress.accept("[" + mode.wireName() + "] " + line);
  }

  static void sleep(Duration d) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(d.toNanos());
  }
}

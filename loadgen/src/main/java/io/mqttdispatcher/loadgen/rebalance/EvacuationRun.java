package io.mqttdispatcher.loadgen.rebalance;

import static io.mqttdispatcher.loadgen.rebalance.ScaleOutRun.sleep;
import static io.mqttdispatcher.loadgen.rebalance.ScaleOutRun.spread;
import static io.mqttdispatcher.loadgen.rebalance.StackControl.fmt;
import static io.mqttdispatcher.loadgen.rebalance.StackControl.seconds;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.demo.ProbeConnections;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.DeadEndpoints;
import io.mqttdispatcher.loadgen.fleet.EntryPoint;
import io.mqttdispatcher.loadgen.fleet.Fleet;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An evacuation with publishers running: the fleet spread over three brokers, publishers placed on
 * the broker the most devices landed on (the others drained while they connect), a subscriber on
 * every broker; then {@code POST /brokers/{id}/evacuate} of that broker.
 */
final class EvacuationRun {
  /** The broker evacuated (0-based): the one the most devices landed on. */
  private int evacuated;

  private final RebalanceOptions options;
  private final StackControl control;
  private final Consumer<String> progress;
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();

  EvacuationRun(RebalanceOptions options, StackControl control, Consumer<String> progress) {
    this.options = options;
    this.control = control;
    this.progress = progress;
  }

  RebalanceResult run() throws Exception {
    DemoStack stack = control.stack();
    List<HostPort> brokers = stack.brokers();
    int n = options.fleet().devices();
    Fleet fleet =
        Fleet.start(
            options.fleet(), EntryPoint.dispatcher(stack.dispatcher()), new DeadEndpoints());
    ConnectionTimeline timeline =
        ConnectionTimeline.start(
            fleet, brokers, options.sampleInterval(), new ProbeConnections(stack.admin(), brokers));
    try (StreamWatch stream = StreamWatch.subscribe(brokers, options.publishers())) {
      // 1. The fleet over three brokers; the publishers on the third.
      Duration arrivals = Duration.ofMillis(1000L * n / options.fleet().connectRate());
      Duration connected = fleet.awaitAllConnected(arrivals.plus(options.planTimeout()));
      if (connected == null) {
        return failed(
            fleet, timeline, "only " + fleet.connected() + " of " + n + " devices connected");
      }
      say(
          fmt(
              "%d devices connected in %.1f s: %s",
              n, seconds(connected.toNanos()), spread(fleet, brokers)));
      // The fullest broker: enough devices to measure the rate on, whatever the placement did.
      for (int b = 1; b < brokers.size(); b++) {
        if (fleet.connectedTo(brokers.get(b)) > fleet.connectedTo(brokers.get(evacuated))) {
          evacuated = b;
        }
      }
      HostPort target = brokers.get(evacuated);
      String targetId = StackControl.brokerId(evacuated);
      for (int b = 0; b < brokers.size(); b++) {
        if (b != evacuated) {
          control.post(0, "/brokers/" + StackControl.brokerId(b) + "/drain", null);
        }
      }
      stack.awaitUsable(1, options.planTimeout());
      stream.startPublishers(
          stack.dispatcher(), options.publishRate(), options.fleet().maxBackoff());
      for (int b = 0; b < brokers.size(); b++) {
        if (b != evacuated) {
          control.post(0, "/brokers/" + StackControl.brokerId(b) + "/undrain", null);
        }
      }
      stack.awaitUsable(brokers.size(), options.planTimeout());
      int publishersOnTarget =
          (int)
              stream.publisherPorts().stream()
                  .filter(p -> Objects.equals(p, target.port()))
                  .count();
      say(
          fmt(
              "%d publishers on %s (the other brokers drained while they connected), %d messages/s each",
              publishersOnTarget, targetId, options.publishRate()));
      if (!control.awaitReported(
          b ->
              (long) fleet.connectedTo(brokers.get(b))
                  + 1
                  + (b == evacuated ? publishersOnTarget : 0),
          options.planTimeout())) {
        warnings.add("the brokers' $SYS counts did not match the fleet's before the evacuation");
      }
      sleep(options.settle());

      // 2. The evacuation.
      int onTarget = fleet.connectedTo(target);
      EvictionClock clock = EvictionClock.start(fleet, brokers);
      timeline.mark("evacuate " + targetId);
      long startAt = System.nanoTime();
      control.post(
          0, "/brokers/" + targetId + "/evacuate", new JsonObject().put("rate", options.rate()));
      say(
          fmt(
              "evacuating %s (%d idle devices, %d publishers) at %s devices/s",
              targetId, onTarget, publishersOnTarget, Checks.number(options.rate())));
      String[] state = {"waiting"};
      JsonObject[] status = {new JsonObject()};
      boolean ended =
          StackControl.await(
              () -> {
                status[0] = control.admin(0).get("/brokers/" + targetId + "/evacuate").body();
                state[0] = status[0].getString("state", "none");
                return !state[0].equals("waiting") && !state[0].equals("evicting");
              },
              options.planTimeout());
      long endAt = System.nanoTime();
      timeline.mark("evacuation " + state[0]);
      boolean allOff =
          StackControl.await(
              () ->
                  fleet.connected() == n
                      && fleet.connectedTo(target) == 0
                      && stream.publisherPorts().stream()
                          .allMatch(p -> p != null && p != target.port()),
              options.planTimeout());
      // The $SYS count comes a second or two later; the scenario's own subscriber stays on it.
      StackControl.await(
          () -> Objects.equals(control.reported(evacuated), 1L), Duration.ofSeconds(10));
      Long sysCount = control.reported(evacuated);
      sleep(options.settle());
      stream.stop();
      timeline.mark("end");
      clock.close();
      timeline.close();
      say(
          fmt(
              "evacuation %s after %.1f s: %s; longest gap in a publisher's stream %.2f s",
              state[0],
              seconds(endAt - startAt),
              spread(fleet, brokers),
              seconds(stream.longestGap().toNanos())));

      // 3. What it shows.
      figures.put("devices", n + " idle, " + options.publishers() + " publishers");
      figures.put(
          "evacuated",
          fmt(
              "%s: %d idle devices and %d publishers at %s devices/s",
              targetId, onTarget, publishersOnTarget, Checks.number(options.rate())));
      figures.put(
          "devices per broker at the end",
          brokers.stream().map(fleet::connectedTo).toList().toString());
      figures.put(
          "evacuation took s (start to " + state[0] + ")", fmt("%.2f", seconds(endAt - startAt)));
      figures.put("takeovers the probe counted", String.valueOf(status[0].getLong("evicted", -1L)));
      figures.put("messages sent / received", stream.sent() + " / " + stream.received());
      figures.put(
          "longest gap in a publisher's stream s",
          fmt("%.2f", seconds(stream.longestGap().toNanos())));

      checks.add(
          Checks.planState(
              "evacuation state", ended ? state[0] : "still " + state[0] + " after the timeout"));
      checks.add(
          new Check(
              "publishers on " + targetId + " when it was evacuated",
              String.valueOf(publishersOnTarget),
              String.valueOf(options.publishers()),
              publishersOnTarget == options.publishers()));
      int left = fleet.connectedTo(target);
      checks.add(
          new Check(
              "devices left on " + targetId + " (the fleet's count)",
              String.valueOf(left),
              "0",
              left == 0 && allOff));
      long sysDevices = sysCount == null ? -1 : sysCount - 1;
      checks.add(
          new Check(
              targetId + "'s own connection count ($SYS, less the scenario's subscriber)",
              sysCount == null ? "unknown" : String.valueOf(sysDevices),
              "0",
              sysDevices == 0));
      checks.add(
          new Check(
              "every device and publisher on another broker",
              fmt(
                  "%d of %d devices, publishers on ports %s",
                  fleet.connected() - left, n, stream.publisherPorts()),
              "all of them",
              allOff));
      checks.add(Checks.longestOutage(fleet.longestOutage(), options.maxOutage()));
      checks.add(
          new Check(
              "longest gap in any publisher's stream at the subscribers",
              fmt("%.2f s", seconds(stream.longestGap().toNanos())),
              "at most " + io.mqttdispatcher.cli.DurationConverter.format(options.maxOutage()),
              stream.longestGap().compareTo(options.maxOutage()) <= 0));
      checks.add(
          Checks.evictionRate(
              targetId,
              clock.rate(evacuated),
              clock.moved(evacuated),
              options.rate(),
              options.rateTolerance()));
      return result(fleet, timeline);
    } finally {
      timeline.close();
      fleet.close();
    }
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
        RebalanceMode.EVACUATE.wireName(),
        fmt(
            "%d idle devices over three brokers and %d publishers on %s, the broker with the most devices (%d messages/s each, a subscriber on every broker); %s was evacuated.",
            fleet.size(),
            options.publishers(),
            StackControl.brokerId(evacuated),
            options.publishRate(),
            StackControl.brokerId(evacuated)),
        fleet.size(),
        control.stack().brokers().stream().map(HostPort::toString).toList(),
        figures,
        checks,
        timeline.samples(),
        timeline.marks(),
        warnings);
  }

  private void say(String line) {
    progress.accept("[evacuate] " + line);
  }
}

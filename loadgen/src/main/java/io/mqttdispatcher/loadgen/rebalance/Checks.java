package io.mqttdispatcher.loadgen.rebalance;

import static io.mqttdispatcher.loadgen.rebalance.StackControl.fmt;

import io.mqttdispatcher.cli.DurationConverter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The checks both kinds of run make, built from what they measured. */
final class Checks {
  private Checks() {}

  static Check longestOutage(Duration measured, Duration max) {
    return new Check(
        "longest time a device had no broker",
        fmt("%.2f s", measured.toNanos() / 1e9),
        "at most " + DurationConverter.format(max),
        measured.compareTo(max) <= 0);
  }

  static Check evictionRate(
      String broker, @Nullable Double measured, long moved, double plan, double tolerance) {
    String expected =
        fmt(
            "%.1f-%.1f devices/s (plan %s, %.0f %% either way)",
            plan * (1 - tolerance), plan * (1 + tolerance), number(plan), tolerance * 100);
    if (measured == null) {
      return new Check(
          "eviction rate " + broker,
          moved
              + " devices moved: too few to measure a rate (at least "
              + EvictionClock.MIN_MOVES
              + ")",
          expected,
          false);
    }
    return new Check(
        "eviction rate " + broker,
        fmt("%.1f devices/s (%d moved)", measured, moved),
        expected,
        Math.abs(measured - plan) <= plan * tolerance);
  }

  static Check allConnected(int connected, int devices) {
    return new Check(
        "every device connected at the end",
        connected + " of " + devices,
        String.valueOf(devices),
        connected == devices);
  }

  static Check planState(String what, String state) {
    return new Check(what, state, "done", state.equals("done"));
  }

  static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}

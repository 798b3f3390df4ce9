package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger;
import io.mqttdispatcher.dispatcher.rebalance.TrafficBalance;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Automatic mode: rebalancing that starts by itself.
 *
 * @param trigger automatic mode's settings ({@link AutomaticTrigger}), or null when it is off
 * @param by what automatic mode balances: connections (rebalance plans) or load (message rate, one
 *     device moved and weighed at a time)
 * @param loadSpread by load: moves start when the spread of message rate per unit of capacity
 *     between the hottest and coolest broker stays above this fraction of the mean, and stop once
 *     within it
 */
public record AutoRebalance(
    AutomaticTrigger.@Nullable Settings trigger, AutoRebalanceBy by, double loadSpread) {

  /** The plan it starts stops at thresholds tightened by this factor (hysteresis). */
  public static final double STOP_FACTOR = 0.5;

  /**
   * By load: spreads of at most this many messages per second never count, so idle brokers' noise
   * moves nothing.
   */
  public static final double MIN_RATE = 50;

  /** By load: from a device's move to its weighing (a few report intervals). */
  public static final Duration SETTLE = Duration.ofSeconds(5);

  /** By load: moves in a row that did not narrow the spread, after which moves stop. */
  public static final int MOVES_WITHOUT_GAIN = 2;

  /** By load: moves at most in one episode, before a cool-down. */
  public static final int MAX_MOVES = 20;

  public AutoRebalance {
    Objects.requireNonNull(by, "autoRebalanceBy");
    if (!(loadSpread > 0) || Double.isInfinite(loadSpread)) {
      throw new IllegalArgumentException(
          "--auto-rebalance-load-spread must be above 0, was " + loadSpread);
    }
  }

  /** Automatic mode by connections (rebalance plans), or null when that is not what is on. */
  public AutomaticTrigger.@Nullable Settings byConnections() {
    return by == AutoRebalanceBy.CONNECTIONS ? trigger : null;
  }

  /** Automatic mode by load (one device at a time), or null when that is not what is on. */
  public TrafficBalance.@Nullable Settings byLoad() {
    if (trigger == null || by != AutoRebalanceBy.LOAD) {
      return null;
    }
    return new TrafficBalance.Settings(
        trigger.sustain(),
        trigger.coolDown(),
        loadSpread,
        MIN_RATE,
        SETTLE,
        MOVES_WITHOUT_GAIN,
        MAX_MOVES);
  }

  @Override
  public String toString() {
    return "AutoRebalance[trigger="
        + trigger
        + ", by="
        + by.optionName()
        + ", loadSpread="
        + loadSpread
        + "]";
  }

  /** The command-line options of {@link AutoRebalance}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--auto-rebalance",
        description =
            "Automatic mode: when the connections per broker stay imbalanced past the thresholds below for"
                + " --auto-rebalance-after, start a rebalance by itself; never within --auto-rebalance-cool-down of the last"
                + " plan; the plan stops at half the thresholds. Off by default.")
    boolean enabled;

    @Option(
        names = "--auto-rebalance-after",
        paramLabel = "DURATION",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description =
            "How long the imbalance must last before a plan starts (default: ${DEFAULT-VALUE}).")
    Duration after;

    @Option(
        names = "--auto-rebalance-cool-down",
        paramLabel = "DURATION",
        defaultValue = "5m",
        converter = DurationConverter.class,
        description =
            "No automatic plan starts within this time of the last plan's start or end (default: ${DEFAULT-VALUE}).")
    Duration coolDown;

    @Option(
        names = "--auto-rebalance-abs-threshold",
        paramLabel = "N",
        defaultValue = "100",
        description =
            "Imbalanced when a broker is more than N connections above the below-mean brokers' mean... (default: ${DEFAULT-VALUE}).")
    double absThreshold;

    @Option(
        names = "--auto-rebalance-rel-threshold",
        paramLabel = "R",
        defaultValue = "1.2",
        description = "... and more than R times that mean (default: ${DEFAULT-VALUE}).")
    double relThreshold;

    @Option(
        names = "--auto-rebalance-rate",
        paramLabel = "N",
        defaultValue = "50",
        description =
            "Devices each donor moves per second in an automatic plan (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
        names = "--auto-rebalance-by",
        paramLabel = "connections|load",
        defaultValue = "connections",
        description =
            "What automatic mode balances: connections (rebalance plans, the thresholds above) or load (message"
                + " rate per capacity: the hottest broker's probe moves one device at a time and the drop weighs it;"
                + " needs $SYS message rates) (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(
        names = "--auto-rebalance-load-spread",
        paramLabel = "F",
        defaultValue = "0.25",
        description =
            "By load: moves start when the hottest broker's message rate per capacity exceeds the coolest's by more"
                + " than F times the mean for --auto-rebalance-after, and stop once within it (default: ${DEFAULT-VALUE}).")
    double loadSpread;

    /** The validated settings. */
    public AutoRebalance value() {
      return new AutoRebalance(
          enabled
              ? new AutomaticTrigger.Settings(
                  after, coolDown, absThreshold, relThreshold, STOP_FACTOR, rate)
              : null,
          AutoRebalanceBy.parse(by),
          loadSpread);
    }
  }
}

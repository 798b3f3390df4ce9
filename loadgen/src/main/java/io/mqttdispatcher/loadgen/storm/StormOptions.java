package io.mqttdispatcher.loadgen.storm;

import io.mqttdispatcher.loadgen.demo.BrokerKind;
import io.mqttdispatcher.loadgen.fleet.FleetOptions;
import io.mqttdispatcher.loadgen.run.Strategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a storm needs. Defaults live here, as strings the command line shows in {@code
 * --help}.
 *
 * @param fleet the idle devices
 * @param brokers how many brokers
 * @param broker which broker to run
 * @param strategies one or both, run one after the other on the same brokers
 * @param killBroker which broker (1-based) is killed first
 * @param settle how long the fleet stays connected before the kill, and the pause between
 *     strategies
 * @param deadFor from the kill to the power cut: the killed broker stays dead this long
 * @param outage from the power cut until every broker (and its probe) starts again
 * @param observe how long to watch after every device is back; the final spread is taken at its end
 * @param recoverTimeout longest wait for every device to be back after an event
 * @param sampleInterval how often connections per broker are sampled
 * @param out directory for results.json, timeline.csv, report.html and the stack's logs
 * @param dispatcherArgs added to the dispatcher's command line
 */
public record StormOptions(
    FleetOptions fleet,
    int brokers,
    BrokerKind broker,
    List<Strategy> strategies,
    int killBroker,
    Duration settle,
    Duration deadFor,
    Duration outage,
    Duration observe,
    Duration recoverTimeout,
    Duration sampleInterval,
    Path out,
    List<String> dispatcherArgs) {
  /**
   * What a shared 2-core machine runs reliably next to three brokers, three probes and a
   * dispatcher: each device through the dispatcher is a connector with its own reconnect thread.
   */
  public static final String DEFAULT_DEVICES = "3000";

  public static final String DEFAULT_BROKERS = "3";
  public static final String DEFAULT_KILL_BROKER = "1";
  public static final String DEFAULT_SETTLE = "5s";
  public static final String DEFAULT_DEAD_FOR = "15s";
  public static final String DEFAULT_OUTAGE = "5s";
  public static final String DEFAULT_OBSERVE = "10s";

  /**
   * Long: after the power cut the dispatcher waits for the probes, JVMs that start slowly on a busy
   * machine.
   */
  public static final String DEFAULT_RECOVER_TIMEOUT = "180s";

  public static final String DEFAULT_OUT = "storm-results";

  public StormOptions {
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(out, "out");
    strategies = List.copyOf(strategies);
    dispatcherArgs = List.copyOf(dispatcherArgs);
    if (strategies.isEmpty()) {
      throw new IllegalArgumentException("no strategy to run");
    }
    if (brokers < 2 || brokers > 16) {
      throw new IllegalArgumentException(
          "--brokers must be within 2..16 (one is killed), got " + brokers);
    }
    if (killBroker < 1 || killBroker > brokers) {
      throw new IllegalArgumentException(
          "--kill-broker must be within 1.." + brokers + ", got " + killBroker);
    }
    for (Duration d : List.of(settle, deadFor, outage, observe)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("phase durations must not be negative, got " + d);
      }
    }
    if (recoverTimeout.isNegative() || recoverTimeout.isZero() || sampleInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "--recover-timeout must be positive and --sample at least 10ms");
    }
  }
}

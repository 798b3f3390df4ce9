package io.mqttdispatcher.loadgen.run;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a run needs. Defaults live here, as strings the command line shows in {@code --help}.
 *
 * @param scenario what to run
 * @param strategies the strategies to run, one after the other
 * @param dispatcher where devices connect for the {@code dispatcher} strategy
 * @param brokers every broker, in the order DNS round-robin cycles through them; a subscriber
 *     counts messages on each
 * @param seed arrival order seed
 * @param heavyAt 1-based position of the heaviest publisher, or null for the seed's choice
 * @param out directory for results.json, timeline.csv and report.html
 * @param admin dispatcher admin API to read broker CPU and connections from, or null
 * @param brokerPids broker process ids (same order as {@code brokers}) to sample CPU from {@code
 *     /proc} instead; empty for none
 * @param settle pause between two strategies for the brokers to settle
 * @param drain how long subscribers keep counting after the last publisher stopped
 * @param tenants client id prefixes, given to publishers in turn by arrival position (the first
 *     publisher gets the first prefix); empty for none
 * @param cpu the processes whose CPU time gives the CPU per message and the dispatcher's cost
 */
public record RunOptions(
    Scenario scenario,
    List<Strategy> strategies,
    HostPort dispatcher,
    List<HostPort> brokers,
    long seed,
    @Nullable Integer heavyAt,
    Path out,
    @Nullable HostPort admin,
    List<Long> brokerPids,
    Duration settle,
    Duration drain,
    List<String> tenants,
    CpuAccounting cpu) {
  public static final String DEFAULT_SEED = "1";
  public static final String DEFAULT_OUT = "loadgen-results";
  public static final String DEFAULT_SETTLE = "10s";
  public static final String DEFAULT_DRAIN = "1s";

  public RunOptions {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(dispatcher, "dispatcher");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(cpu, "cpu");
    strategies = List.copyOf(strategies);
    brokers = List.copyOf(brokers);
    brokerPids = List.copyOf(brokerPids);
    tenants = List.copyOf(tenants);
    for (String t : tenants) {
      if (!t.matches("[A-Za-z0-9_.-]{1,32}")) {
        throw new IllegalArgumentException(
            "--tenants: prefix '" + t + "' must be 1-32 letters, digits, '.', '-' or '_'");
      }
    }
    if (tenants.stream().distinct().count() != tenants.size()) {
      throw new IllegalArgumentException("--tenants lists a prefix twice");
    }
    if (strategies.isEmpty()) {
      throw new IllegalArgumentException("no strategy to run");
    }
    if (brokers.isEmpty()) {
      throw new IllegalArgumentException("--brokers must name at least one broker");
    }
    if (brokers.stream().distinct().count() != brokers.size()) {
      throw new IllegalArgumentException("--brokers lists a broker twice");
    }
    if (!cpu.brokerPids().isEmpty() && cpu.brokerPids().size() != brokers.size()) {
      throw new IllegalArgumentException(
          "CPU accounting needs one broker pid per broker ("
              + brokers.size()
              + "), got "
              + cpu.brokerPids().size());
    }
    if (!brokerPids.isEmpty() && brokerPids.size() != brokers.size()) {
      throw new IllegalArgumentException(
          "--broker-pids must list one pid per broker ("
              + brokers.size()
              + "), got "
              + brokerPids.size());
    }
    checkHeavyAt(scenario, heavyAt);
    if (settle.isNegative() || drain.isNegative()) {
      throw new IllegalArgumentException("--settle and --drain must not be negative");
    }
  }

  /** Options without CPU accounting. */
  public RunOptions(
      Scenario scenario,
      List<Strategy> strategies,
      HostPort dispatcher,
      List<HostPort> brokers,
      long seed,
      @Nullable Integer heavyAt,
      Path out,
      @Nullable HostPort admin,
      List<Long> brokerPids,
      Duration settle,
      Duration drain,
      List<String> tenants) {
    this(
        scenario,
        strategies,
        dispatcher,
        brokers,
        seed,
        heavyAt,
        out,
        admin,
        brokerPids,
        settle,
        drain,
        tenants,
        CpuAccounting.NONE);
  }

  /** Options without tenants. */
  public RunOptions(
      Scenario scenario,
      List<Strategy> strategies,
      HostPort dispatcher,
      List<HostPort> brokers,
      long seed,
      @Nullable Integer heavyAt,
      Path out,
      @Nullable HostPort admin,
      List<Long> brokerPids,
      Duration settle,
      Duration drain) {
    this(
        scenario,
        strategies,
        dispatcher,
        brokers,
        seed,
        heavyAt,
        out,
        admin,
        brokerPids,
        settle,
        drain,
        List.of());
  }

  /**
   * The client id prefix of the publisher at 1-based arrival {@code position}: empty without
   * tenants.
   */
  public String tenantOf(int position) {
    return tenants.isEmpty() ? "" : tenants.get((position - 1) % tenants.size());
  }

  /** Throws when {@code heavyAt} is not a position of {@code scenario}. */
  public static void checkHeavyAt(Scenario scenario, @Nullable Integer heavyAt) {
    if (heavyAt != null && (heavyAt < 1 || heavyAt > scenario.publisherCount())) {
      throw new IllegalArgumentException(
          "--heavy-at must be within 1.." + scenario.publisherCount() + ", got " + heavyAt);
    }
  }
}

package io.mqttdispatcher.loadgen;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.loadgen.simulate.Simulation;
import io.mqttdispatcher.loadgen.simulate.SimulationOptions;
import io.mqttdispatcher.loadgen.simulate.SimulationResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen simulate}: every policy on a model of a large fleet, compared in one table. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the dispatcher's registry and policies on a model of many brokers and devices arriving over "
          + "time (no network), and prints how evenly each policy spread the fleet's messages."
    })
final class SimulateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--brokers",
      paramLabel = "N",
      defaultValue = SimulationOptions.DEFAULT_BROKERS,
      description = "Brokers (default: ${DEFAULT-VALUE}).")
  int brokers;

  @Option(
      names = "--capacities",
      paramLabel = "C[,C...]",
      split = ",",
      defaultValue = SimulationOptions.DEFAULT_CAPACITIES,
      description =
          "Relative capacities given to the brokers in turn, as each probe's --capacity: 1,2 makes every "
              + "second broker take twice the work (default: ${DEFAULT-VALUE}, all equal).")
  List<Double> capacities = new ArrayList<>();

  @Option(
      names = "--devices",
      paramLabel = "N",
      defaultValue = SimulationOptions.DEFAULT_DEVICES,
      description = "Devices that arrive (default: ${DEFAULT-VALUE}).")
  long devices;

  @Option(
      names = "--arrivals",
      paramLabel = "PER_SECOND",
      defaultValue = SimulationOptions.DEFAULT_ARRIVALS,
      description = "Devices arriving per second (default: ${DEFAULT-VALUE}).")
  double arrivals;

  @Option(
      names = "--heavy-share",
      paramLabel = "FRACTION",
      defaultValue = SimulationOptions.DEFAULT_HEAVY_SHARE,
      description = "Share of heavy devices (default: ${DEFAULT-VALUE}).")
  double heavyShare;

  @Option(
      names = "--heavy-factor",
      paramLabel = "X",
      defaultValue = SimulationOptions.DEFAULT_HEAVY_FACTOR,
      description =
          "A heavy device's message rate, in light devices (1 msg/s) (default: ${DEFAULT-VALUE}).")
  double heavyFactor;

  @Option(
      names = "--utilization",
      paramLabel = "FRACTION",
      defaultValue = SimulationOptions.DEFAULT_UTILIZATION,
      description =
          "The brokers' utilisation once every device has arrived, total work over total capacity "
              + "(default: ${DEFAULT-VALUE}).")
  double utilization;

  @Option(
      names = "--report-interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often each probe reports (default: ${DEFAULT-VALUE}).")
  Duration reportInterval;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "The dispatcher's load averaging window (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Which devices are heavy, and the policies' random choices: the same seed gives the same "
              + "placement (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      split = ",",
      description =
          "Policies to compare (default: all): least-load, least-cpu, round-robin, random, least-connections.")
  List<String> policies = new ArrayList<>();

  @Override
  public Integer call() {
    SimulationOptions options =
        new SimulationOptions(
            brokers,
            capacities,
            devices,
            arrivals,
            heavyShare,
            heavyFactor,
            utilization,
            reportInterval,
            window,
            seed);
    List<PolicyName> names =
        policies.isEmpty()
            ? List.of(PolicyName.values())
            : policies.stream().map(PolicyName::parse).toList();
    ((Logger) LoggerFactory.getLogger(BrokerRegistry.class))
        .setLevel(Level.WARN); // thousands of simulated joins
    PrintWriter out = spec.commandLine().getOut();
    String sizes =
        capacities.stream().allMatch(c -> c == 1)
            ? ""
            : " (capacities "
                + capacities.stream().map(SimulateCommand::number).collect(Collectors.joining(","))
                + " in turn)";
    out.printf(
        Locale.ROOT,
        "%d brokers%s, %d devices arriving at %.0f/s (%.1f %% heavy at %.0fx), utilisation %.0f %% at the end%n",
        brokers,
        sizes,
        devices,
        arrivals,
        heavyShare * 100,
        heavyFactor,
        utilization * 100);
    out.printf(
        Locale.ROOT,
        "%-18s %12s %12s %12s %14s %12s%n",
        "policy",
        "max/mean",
        "min/mean",
        "variation",
        "peak max/mean",
        "ns/choice");
    out.flush();
    Simulation simulation = new Simulation(options);
    for (PolicyName name : names) {
      SimulationResult r = simulation.run(name);
      out.printf(
          Locale.ROOT,
          "%-18s %12.3f %12.3f %12.3f %14.3f %12.0f%n",
          r.policy(),
          r.maxOverMean(),
          r.minOverMean(),
          r.variation(),
          r.peakMaxOverMean(),
          r.choiceNanos());
      out.flush();
    }
    out.println(
        "At the end: max/mean and min/mean, the busiest and idlest broker's load (message rate per unit of "
            + "capacity) against the mean (1 = even), and their coefficient of variation. Peak max/mean: the worst ratio at any "
            + "report after the first 10 s.");
    out.flush();
    return 0;
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}

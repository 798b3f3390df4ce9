package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.FleetOptions;
import io.mqttdispatcher.loadgen.rebalance.RebalanceMode;
import io.mqttdispatcher.loadgen.rebalance.RebalanceOptions;
import io.mqttdispatcher.loadgen.rebalance.RebalanceResult;
import io.mqttdispatcher.loadgen.rebalance.RebalanceScenario;
import io.mqttdispatcher.loadgen.report.RebalanceReportFiles;
import io.mqttdispatcher.loadgen.report.RebalanceSummaryTable;
import io.mqttdispatcher.loadgen.report.ReportFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen rebalance}: live devices moved on a local stack (a broker joins and a rebalance
 * runs, through one dispatcher or two replicas; an evacuation with publishers running), with the
 * checks, a summary table, results files and an HTML report.
 */
@Command(
    name = "rebalance",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Live devices moved on a local stack of 3 Mosquitto brokers (HiveMQ CE where Mosquitto is not installed), a probe beside each and the dispatcher, on free "
          + "loopback ports; one fresh stack per mode. scale-out: the fleet connects while 2 brokers take devices, the 3rd "
          + "joins and POST /rebalance runs. evacuate: the fleet over 3 brokers and publishers on the fullest, a subscriber on "
          + "every broker, POST /brokers/{id}/evacuate of the fullest. replicas: the scale-out with 2 dispatcher replicas, the fleet "
          + "spread over both, the rebalance asked of one. Checks: the plan ends done, donors within the thresholds, no "
          + "device back on a donor during the plan, the longest time a device had no broker, the eviction rate within the "
          + "tolerance of the plan's; for evacuate the broker's count reaching 0 and the longest gap in a publisher's stream. "
          + "Writes results.json, timeline.csv and report.html, prints the summary table, exits 1 when a check fails, and "
          + "stops everything it started, also on Ctrl-C or failure."
    })
final class RebalanceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--mode",
      paramLabel = "all|scale-out|evacuate|replicas",
      defaultValue = RebalanceOptions.DEFAULT_MODE,
      description = "Which run, or all of them one after the other (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--devices",
      paramLabel = "N",
      defaultValue = RebalanceOptions.DEFAULT_DEVICES,
      description = "Idle devices in the fleet (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = RebalanceOptions.DEFAULT_RATE,
      description =
          "Devices each donor (or the evacuated broker) moves per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--abs-threshold",
      paramLabel = "N",
      defaultValue = RebalanceOptions.DEFAULT_ABS_THRESHOLD,
      description =
          "The rebalance's absolute threshold: a donor is done below the recipients' mean plus this "
              + "(default: ${DEFAULT-VALUE}).")
  double absThreshold;

  @Option(
      names = "--rel-threshold",
      paramLabel = "R",
      defaultValue = RebalanceOptions.DEFAULT_REL_THRESHOLD,
      description =
          "The rebalance's relative threshold: ... or below the recipients' mean times this "
              + "(default: ${DEFAULT-VALUE}).")
  double relThreshold;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      defaultValue = RebalanceOptions.DEFAULT_WAIT,
      converter = DurationConverter.class,
      description = "The rebalance's wait before eviction (default: ${DEFAULT-VALUE}).")
  Duration waitBeforeEviction;

  @Option(
      names = "--publishers",
      paramLabel = "N",
      defaultValue = RebalanceOptions.DEFAULT_PUBLISHERS,
      description =
          "evacuate: devices publishing on the evacuated broker (default: ${DEFAULT-VALUE}).")
  int publishers;

  @Option(
      names = "--publish-rate",
      paramLabel = "N",
      defaultValue = RebalanceOptions.DEFAULT_PUBLISH_RATE,
      description =
          "evacuate: messages per second each publisher sends (default: ${DEFAULT-VALUE}).")
  int publishRate;

  @Option(
      names = "--connect-rate",
      paramLabel = "N",
      defaultValue = FleetOptions.DEFAULT_CONNECT_RATE,
      description = "Devices that connect per second at the start (default: ${DEFAULT-VALUE}).")
  int connectRate;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = RebalanceOptions.DEFAULT_SETTLE,
      converter = DurationConverter.class,
      description =
          "Quiet time before the join, before the plan and after it ends (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--plan-timeout",
      paramLabel = "DURATION",
      defaultValue = RebalanceOptions.DEFAULT_PLAN_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Longest wait for each step: the fleet connected, a broker usable, the plan ended, every device "
              + "back (default: ${DEFAULT-VALUE}).")
  Duration planTimeout;

  @Option(
      names = "--max-outage",
      paramLabel = "DURATION",
      defaultValue = RebalanceOptions.DEFAULT_MAX_OUTAGE,
      converter = DurationConverter.class,
      description =
          "Check: the longest a device may be without a broker, and the longest gap in a publisher's "
              + "stream (default: ${DEFAULT-VALUE}).")
  Duration maxOutage;

  @Option(
      names = "--rate-tolerance",
      paramLabel = "F",
      defaultValue = RebalanceOptions.DEFAULT_RATE_TOLERANCE,
      description =
          "Check: how far the measured eviction rate may be from the plan's, as a fraction "
              + "(default: ${DEFAULT-VALUE}).")
  double rateTolerance;

  @Option(
      names = "--keep-alive",
      paramLabel = "DURATION",
      defaultValue = FleetOptions.DEFAULT_KEEP_ALIVE,
      converter = DurationConverter.class,
      description = "MQTT keep-alive of every device (default: ${DEFAULT-VALUE}).")
  Duration keepAlive;

  @Option(
      names = "--max-backoff",
      paramLabel = "DURATION",
      defaultValue = FleetOptions.DEFAULT_MAX_BACKOFF,
      converter = DurationConverter.class,
      description =
          "After a failed attempt a device waits about 200 ms, doubling per failure up to this, with jitter "
              + "(default: ${DEFAULT-VALUE}).")
  Duration maxBackoff;

  @Option(
      names = "--sample",
      paramLabel = "DURATION",
      defaultValue = ConnectionTimeline.DEFAULT_INTERVAL,
      converter = DurationConverter.class,
      description = "How often connections per broker are sampled (default: ${DEFAULT-VALUE}).")
  Duration sample;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = RebalanceOptions.DEFAULT_OUT,
      description =
          "Directory for results.json, timeline.csv, report.html and the stacks' logs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "The checkout whose dispatcher/, probe/ and loadgen/target/*.jar to run (default: found from this jar).")
  @Nullable Path root;

  @Override
  public Integer call() throws Exception {
    FleetOptions fleet =
        new FleetOptions(
            devices,
            FleetOptions.DEFAULT_ID_PREFIX,
            keepAlive,
            connectRate,
            DurationConverter.parse(FleetOptions.DEFAULT_CONNECT_TIMEOUT),
            maxBackoff);
    RebalanceOptions options =
        new RebalanceOptions(
            fleet,
            RebalanceMode.parse(mode),
            rate,
            absThreshold,
            relThreshold,
            waitBeforeEviction,
            publishers,
            publishRate,
            settle,
            planTimeout,
            maxOutage,
            rateTolerance,
            sample,
            out);
    DemoStack.Jars jars = DemoStack.Jars.in(root != null ? root : DemoCommand.checkoutRoot());
    PrintWriter err = spec.commandLine().getErr();
    List<RebalanceResult> results =
        new RebalanceScenario(options, jars, CommandOutput.progress(err)).run();
    String command = CommandOutput.typed(spec);
    RebalanceReportFiles.write(out, command, results);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(RebalanceSummaryTable.render(results));
    results.forEach(
        r -> r.warnings().forEach(w -> stdout.println("warning (" + r.mode() + "): " + w)));
    boolean passed = results.stream().allMatch(RebalanceResult::passed);
    stdout.println(passed ? "every check passed" : "a check FAILED");
    stdout.println("report: " + out.resolve(ReportFiles.REPORT_HTML).toAbsolutePath());
    stdout.flush();
    return passed ? 0 : 1;
  }
}

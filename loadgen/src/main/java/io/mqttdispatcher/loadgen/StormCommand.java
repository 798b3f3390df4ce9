package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.loadgen.demo.BrokerKind;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.fleet.FleetOptions;
import io.mqttdispatcher.loadgen.report.ReportFiles;
import io.mqttdispatcher.loadgen.report.StormReportFiles;
import io.mqttdispatcher.loadgen.report.StormSummaryTable;
import io.mqttdispatcher.loadgen.run.Strategy;
import io.mqttdispatcher.loadgen.storm.StormOptions;
import io.mqttdispatcher.loadgen.storm.StormResult;
import io.mqttdispatcher.loadgen.storm.StormScenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen storm}: a reconnect storm on a local stack, through the dispatcher, with DNS
 * round-robin and through HAProxy, with the summary table, results files and an HTML report.
 */
@Command(
    name = "storm",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reconnect storm on a local stack: starts brokers, a probe beside each and a dispatcher on free loopback "
          + "ports, connects a fleet of idle devices, kills one broker (SIGKILL) and keeps it dead, then kills every broker "
          + "and probe at once (a power cut) and restarts them, so every device must reconnect. Measures, per strategy, the "
          + "time until every device is back, connections per broker over time, the final spread and the connection "
          + "attempts that went to a dead endpoint; writes results.json, timeline.csv and report.html, prints the summary "
          + "table, and stops everything it started, also on Ctrl-C or failure."
    })
final class StormCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--devices",
      paramLabel = "N",
      defaultValue = StormOptions.DEFAULT_DEVICES,
      description = "Idle devices in the fleet (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--brokers",
      paramLabel = "N",
      defaultValue = StormOptions.DEFAULT_BROKERS,
      description = "How many brokers (default: ${DEFAULT-VALUE}).")
  int brokers;

  @Option(
      names = "--broker",
      paramLabel = "auto|mosquitto|hivemq",
      defaultValue = "auto",
      description =
          "auto: the local mosquitto binary when installed, else embedded HiveMQ CE in one JVM per broker "
              + "(which has no $SYS connection count) (default: ${DEFAULT-VALUE}).")
  String broker;

  @Option(
      names = "--strategy",
      paramLabel = "dispatcher|dns-rr|haproxy|both|all",
      defaultValue = "both",
      description =
          "dispatcher: devices connect through the dispatcher and go back through it after a loss; dns-rr: every "
              + "attempt takes the next broker address of a fixed list, as a DNS name with one A record per broker gives, the "
              + "dead one included; haproxy: every attempt goes to an HAProxy (TCP, leastconn, health checks every 500 ms) "
              + "the loadgen starts in front of the brokers (skipped with a warning without the haproxy binary, named by "
              + "HAPROXY or found on the PATH); both: dispatcher then dns-rr; all: dispatcher, dns-rr, haproxy; one after "
              + "the other on the same brokers (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--kill-broker",
      paramLabel = "N",
      defaultValue = StormOptions.DEFAULT_KILL_BROKER,
      description = "Which broker (1-based) is killed first (default: ${DEFAULT-VALUE}).")
  int killBroker;

  @Option(
      names = "--connect-rate",
      paramLabel = "N",
      defaultValue = FleetOptions.DEFAULT_CONNECT_RATE,
      description = "Devices that connect per second at the start (default: ${DEFAULT-VALUE}).")
  int connectRate;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = StormOptions.DEFAULT_SETTLE,
      converter = DurationConverter.class,
      description =
          "Connected and quiet before the kill; also the pause between strategies (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--dead-for",
      paramLabel = "DURATION",
      defaultValue = StormOptions.DEFAULT_DEAD_FOR,
      converter = DurationConverter.class,
      description =
          "From the kill to the power cut: the killed broker stays dead this long (default: ${DEFAULT-VALUE}).")
  Duration deadFor;

  @Option(
      names = "--outage",
      paramLabel = "DURATION",
      defaultValue = StormOptions.DEFAULT_OUTAGE,
      converter = DurationConverter.class,
      description =
          "From the power cut until every broker and its probe start again (default: ${DEFAULT-VALUE}).")
  Duration outage;

  @Option(
      names = "--observe",
      paramLabel = "DURATION",
      defaultValue = StormOptions.DEFAULT_OBSERVE,
      converter = DurationConverter.class,
      description =
          "Watch this long after every device is back; the final spread is taken at the end "
              + "(default: ${DEFAULT-VALUE}).")
  Duration observe;

  @Option(
      names = "--recover-timeout",
      paramLabel = "DURATION",
      defaultValue = StormOptions.DEFAULT_RECOVER_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Longest wait for every device to be back after an event (default: ${DEFAULT-VALUE}).")
  Duration recoverTimeout;

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
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = FleetOptions.DEFAULT_CONNECT_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Per connection attempt: TCP connect plus CONNECT/CONNACK (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

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
      defaultValue = StormOptions.DEFAULT_OUT,
      description =
          "Directory for results.json, timeline.csv, report.html and the stack's logs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--dispatcher-arg",
      paramLabel = "ARG",
      description =
          "Added to the dispatcher's command line; repeatable, e.g. --dispatcher-arg=--gather-window=0 (default: none).")
  List<String> dispatcherArgs = new ArrayList<>();

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
            connectTimeout,
            maxBackoff);
    StormOptions options =
        new StormOptions(
            fleet,
            brokers,
            BrokerKind.parse(broker),
            Strategy.parse(strategy),
            killBroker,
            settle,
            deadFor,
            outage,
            observe,
            recoverTimeout,
            sample,
            out,
            dispatcherArgs);
    DemoStack.Jars jars = DemoStack.Jars.in(root != null ? root : DemoCommand.checkoutRoot());
    PrintWriter err = spec.commandLine().getErr();
    List<StormResult> results = new StormScenario(options, jars, CommandOutput.progress(err)).run();
    String command = CommandOutput.typed(spec);
    StormReportFiles.write(out, command, results);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(StormSummaryTable.render(results));
    results.forEach(
        r -> r.warnings().forEach(w -> stdout.println("warning (" + r.strategy() + "): " + w)));
    stdout.println("report: " + out.resolve(ReportFiles.REPORT_HTML).toAbsolutePath());
    stdout.flush();
    return results.stream().allMatch(StormResult::allBack) ? 0 : 1;
  }
}

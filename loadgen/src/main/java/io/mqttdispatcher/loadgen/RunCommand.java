package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.report.ReportFiles;
import io.mqttdispatcher.loadgen.report.Summary;
import io.mqttdispatcher.loadgen.report.SummaryTable;
import io.mqttdispatcher.loadgen.report.TenantTable;
import io.mqttdispatcher.loadgen.run.CpuAccounting;
import io.mqttdispatcher.loadgen.run.ExperimentRunner;
import io.mqttdispatcher.loadgen.run.Progress;
import io.mqttdispatcher.loadgen.run.RunOptions;
import io.mqttdispatcher.loadgen.run.Strategy;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import io.mqttdispatcher.loadgen.scenario.ScenarioFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen run}: the experiment, one strategy or several, with files and a summary table. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a scenario through the dispatcher, with DNS round-robin assignment and/or through HAProxy, counting per-broker "
          + "throughput with a subscriber on each broker, and writes results.json, timeline.csv and report.html."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--scenario",
      required = true,
      paramLabel = "paper|smoke|FILE",
      description =
          "A preset (paper: 9x2000 + 1x10000 msg/s, 600 B, 100 s each, one every 5 s; smoke: 5x400 + 1x2000 msg/s, "
              + "600 B, 15 s each, one every 2.5 s, under 30 s per strategy) or a YAML/JSON scenario file (docs/scenarios.md).")
  String scenario;

  @Option(
      names = "--strategy",
      paramLabel = "dispatcher|dns-rr|haproxy|both|all",
      defaultValue = "both",
      description =
          "dispatcher: connect through the dispatcher; dns-rr: brokers in arrival order, cycling; "
              + "haproxy: through an HAProxy (TCP mode, leastconn, health checks) the loadgen starts in front of "
              + "--brokers (the haproxy binary named by HAPROXY, else on the PATH; skipped with a warning without it); "
              + "both: dispatcher then dns-rr; all: dispatcher, dns-rr, haproxy; one after the other with the same "
              + "seed (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--dispatcher",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:1883",
      converter = HostPort.Converter.class,
      description =
          "Where devices connect for the dispatcher strategy (default: ${DEFAULT-VALUE}).")
  HostPort dispatcher;

  @Option(
      names = "--brokers",
      required = true,
      split = ",",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "Every broker, as its probe advertises it; dns-rr cycles through them in this order.")
  List<HostPort> brokers = new ArrayList<>();

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = RunOptions.DEFAULT_SEED,
      description = "Arrival order seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--heavy-at",
      paramLabel = "N",
      description =
          "Put the highest-rate publisher at arrival position N (the paper showed 2 and 4).")
  @Nullable Integer heavyAt;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = RunOptions.DEFAULT_OUT,
      description =
          "Directory for results.json, timeline.csv, report.html (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "The dispatcher's admin API, to read broker CPU and connections as the probes report them.")
  @Nullable HostPort admin;

  @Option(
      names = "--broker-pids",
      split = ",",
      paramLabel = "PID",
      description =
          "Broker process ids in --brokers order: sample CPU from /proc instead of the admin API (same machine only), "
              + "and give the CPU per message (the brokers' CPU time, plus HAProxy's for haproxy, per message received).")
  List<Long> brokerPids = new ArrayList<>();

  @Option(
      names = "--dispatcher-pid",
      paramLabel = "PID",
      description =
          "The dispatcher's process id (same machine only): its CPU time over the dispatcher strategy's run.")
  @Nullable Long dispatcherPid;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = RunOptions.DEFAULT_SETTLE,
      converter = DurationConverter.class,
      description = "Pause between the two strategies of 'both' (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--drain",
      paramLabel = "DURATION",
      defaultValue = RunOptions.DEFAULT_DRAIN,
      converter = DurationConverter.class,
      description =
          "Keep counting this long after the last publisher stopped (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Option(
      names = "--tenants",
      split = ",",
      paramLabel = "PREFIX",
      description =
          "Client id prefixes, given to publishers in turn by arrival position (t1-,t2-: the first publisher "
              + "is t1-..., the second t2-...); the summary then shows each tenant's publishers per broker.")
  List<String> tenants = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    RunOptions options =
        new RunOptions(
            ScenarioFiles.resolve(scenario),
            Strategy.parse(strategy),
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
            new CpuAccounting(brokerPids, dispatcherPid));
    String command = CommandOutput.typed(spec);
    runAndReport(options, spec.commandLine(), command);
    return 0;
  }

  /** Runs the experiment with a progress line, writes its files and prints the summary table. */
  static void runAndReport(RunOptions options, CommandLine cl, String command) throws Exception {
    PrintWriter err = cl.getErr();
    List<StrategyResult> results =
        new ExperimentRunner(options)
            .run(
                p -> {
                  progressLine(err, p);
                  if (p.second() >= p.totalSeconds()
                      || (p.publishersSending() == 0 && p.second() > 2)) {
                    err.println(); // the strategy is done or draining: log lines that follow start
                    // clean
                  }
                });
    err.println();
    ReportFiles.write(options.out(), command, results);
    PrintWriter stdout = cl.getOut();
    stdout.print(SummaryTable.render(results.stream().map(Summary::of).toList()));
    stdout.print(TenantTable.render(options, results));
    results.forEach(
        r -> r.warnings().forEach(w -> stdout.println("warning (" + r.strategy() + "): " + w)));
    stdout.println("report: " + options.out().resolve(ReportFiles.REPORT_HTML).toAbsolutePath());
    stdout.flush();
  }

  private static void progressLine(PrintWriter err, Progress p) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "\r[%s] %3d/%ds publishers %d/%d |",
                p.strategy(),
                p.second(),
                p.totalSeconds(),
                p.publishersSending(),
                p.publishersTotal()));
    for (int b = 0; b < p.messagesPerSecond().size(); b++) {
      Double cpu = p.cpu().get(b);
      line.append(
          String.format(
              Locale.ROOT,
              " b%d %6d msg/s cpu %s |",
              b + 1,
              p.messagesPerSecond().get(b),
              cpu == null ? "  n/a" : String.format(Locale.ROOT, "%4.1f%%", cpu * 100)));
    }
    err.print(line);
    err.flush();
  }
}

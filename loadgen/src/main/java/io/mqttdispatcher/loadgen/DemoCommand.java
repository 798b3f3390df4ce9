package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.loadgen.demo.BrokerKind;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.run.CpuAccounting;
import io.mqttdispatcher.loadgen.run.RunOptions;
import io.mqttdispatcher.loadgen.run.Strategy;
import io.mqttdispatcher.loadgen.scenario.Scenario;
import io.mqttdispatcher.loadgen.scenario.ScenarioFiles;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
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
 * {@code loadgen demo}: starts a local stack (brokers, a probe each, a dispatcher), runs the
 * comparison with the chosen strategies, prints the summary and stops everything it started.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts brokers, a probe beside each and a dispatcher on free loopback ports, runs the comparison "
          + "(dispatcher against DNS round-robin, and with --strategy all HAProxy too), prints the summary table and the report's path, and stops everything "
          + "it started, also on Ctrl-C or failure."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "paper|smoke|FILE",
      defaultValue = "smoke",
      description =
          "Scenario to run: smoke (about a minute for both strategies), paper (the published setup, about "
              + "5 minutes, 28,000 msg/s) or a scenario file (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--brokers",
      paramLabel = "N",
      defaultValue = "2",
      description = "How many brokers (default: ${DEFAULT-VALUE}).")
  int brokers;

  @Option(
      names = "--broker",
      paramLabel = "auto|mosquitto|hivemq",
      defaultValue = "auto",
      description =
          "auto: the local mosquitto binary when installed, else embedded HiveMQ CE in one JVM per broker "
              + "(default: ${DEFAULT-VALUE}).")
  String broker;

  @Option(
      names = "--groups",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Split the brokers into N groups g1..gN of consecutive brokers, with N tenants: publishers get client "
              + "ids t1-..., t2-... in turn, and a routing file sends tenant tK- to group gK (default: ${DEFAULT-VALUE}, one pool).")
  int groups;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = RunOptions.DEFAULT_SEED,
      description = "Arrival order seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--heavy-at",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Put the highest-rate publisher at arrival position N, as the paper did (it showed 2 and 4); 0 leaves "
              + "it where the seed's random order puts it (default: ${DEFAULT-VALUE}).")
  int heavyAt;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "demo-results",
      description =
          "Directory for results.json, timeline.csv, report.html and the stack's logs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Pause between the two strategies (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--strategy",
      paramLabel = "dispatcher|dns-rr|haproxy|both|all",
      defaultValue = "both",
      description =
          "Which strategies to run: both is dispatcher and dns-rr, all adds haproxy (an HAProxy in TCP mode the"
              + " loadgen starts in front of the brokers; skipped with a warning where the haproxy binary is missing)"
              + " (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--auto-rebalance",
      description =
          "Start the dispatcher with automatic mode by load (--auto-rebalance --auto-rebalance-by load"
              + " --auto-rebalance-after 5s --auto-rebalance-cool-down 30s): after connect-time placement, the hottest"
              + " broker's probe moves one device at a time while the brokers' message rates stay apart. Needs"
              + " --strategy dispatcher. Off by default.")
  boolean autoRebalance;

  /** The dispatcher options {@code --auto-rebalance} adds: short times for a run of minutes. */
  static final List<String> AUTO_REBALANCE_ARGS =
      List.of(
          "--auto-rebalance",
          "--auto-rebalance-by",
          "load",
          "--auto-rebalance-after",
          "5s",
          "--auto-rebalance-cool-down",
          "30s");

  @Option(
      names = "--hold",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description =
          "Keep every publisher sending this much longer than the scenario says, so that all of them"
              + " send together for that long after the last arrival: time for --auto-rebalance to"
              + " correct placement before the end window (default: ${DEFAULT-VALUE}).")
  Duration hold;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "The checkout whose dispatcher/, probe/ and loadgen/target/*.jar to run (default: found from this jar).")
  @Nullable Path root;

  @Override
  public Integer call() throws Exception {
    if (brokers < 1 || brokers > 16) {
      throw new IllegalArgumentException("--brokers must be within 1..16, got " + brokers);
    }
    if (autoRebalance && !Strategy.parse(strategy).equals(List.of(Strategy.DISPATCHER))) {
      throw new IllegalArgumentException(
          "--auto-rebalance needs --strategy dispatcher: the other strategies' runs use the same"
              + " brokers, whose probes would move their devices too");
    }
    BrokerKind kind = BrokerKind.parse(broker);
    Scenario sc = ScenarioFiles.resolve(scenario).sendingLonger(hold);
    Integer heavy = heavyAt == 0 ? null : heavyAt;
    RunOptions.checkHeavyAt(sc, heavy); // before anything starts
    PrintWriter err = spec.commandLine().getErr();
    DemoStack.Jars jars = DemoStack.Jars.in(root != null ? root : checkoutRoot());
    err.println(
        "starting "
            + brokers
            + " "
            + (kind == BrokerKind.MOSQUITTO ? "Mosquitto" : "HiveMQ CE")
            + " brokers (one process each), a probe per broker and a dispatcher ...");
    err.flush();
    if (groups < 1 || groups > brokers) {
      throw new IllegalArgumentException(
          "--groups must be within 1..--brokers (" + brokers + "), got " + groups);
    }
    List<String> tenants = new ArrayList<>();
    for (int k = 1; groups > 1 && k <= groups; k++) {
      tenants.add(DemoStack.tenantPrefix(k));
    }
    try (DemoStack stack =
        DemoStack.start(
            jars,
            kind,
            brokers,
            groups,
            Files.createDirectories(out).resolve("stack"),
            autoRebalance ? AUTO_REBALANCE_ARGS : List.of())) {
      err.println(
          "dispatcher on "
              + stack.dispatcher()
              + ", brokers "
              + stack.brokers()
              + ", status page http://"
              + stack.admin()
              + "/ (logs in "
              + out.resolve("stack").resolve("logs")
              + ")");
      err.flush();
      RunOptions run =
          new RunOptions(
              sc,
              Strategy.parse(strategy),
              stack.dispatcher(),
              stack.brokers(),
              seed,
              heavy,
              out,
              stack.admin(),
              List.of(),
              settle,
              DurationConverter.parse(RunOptions.DEFAULT_DRAIN),
              tenants,
              new CpuAccounting(stack.brokerPids(), stack.dispatcherPid()));
      if (groups > 1) {
        for (int i = 0; i < brokers; i++) {
          err.println(
              "broker "
                  + (i + 1)
                  + " ("
                  + stack.brokers().get(i)
                  + ") is in group "
                  + DemoStack.groupOf(i, brokers, groups));
        }
        err.println(
            "tenants "
                + String.join(", ", tenants)
                + " are routed to groups g1..g"
                + groups
                + " ("
                + out.resolve("stack").resolve("routes.yaml")
                + ")");
      }
      String command = CommandOutput.typed(spec);
      RunCommand.runAndReport(run, spec.commandLine(), command);
      err.println("stopping the stack");
    }
    return 0;
  }

  /** The checkout this jar was built in: {@code <root>/loadgen/target/loadgen.jar}. */
  static Path checkoutRoot() throws URISyntaxException {
    Path jar =
        Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path target = jar.getParent();
    if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
      return target.getParent().getParent();
    }
    return Path.of("").toAbsolutePath();
  }
}

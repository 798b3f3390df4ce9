package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Command line of the load generator: one subcommand per job. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    description =
        "Load generator for mqtt-dispatcher: the paper's experiment against DNS round-robin (run), a connect "
            + "benchmark (bench-connect), a local demo stack (demo), a reconnect storm on a local stack (storm), live devices moved by rebalance and evacuation on a local stack (rebalance) and a policy simulator (simulate).",
    subcommands = {
      RunCommand.class,
      BenchConnectCommand.class,
      DemoCommand.class,
      StormCommand.class,
      RebalanceCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LoadgenMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a subcommand: run, bench-connect, demo, storm, rebalance or simulate");
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling ({@link CommandLines}). */
  public static CommandLine commandLine() {
    return CommandLines.create(new LoadgenMain(), "loadgen");
  }
}

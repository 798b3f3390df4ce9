package io.mqttdispatcher.dispatcher.ctl;

import io.mqttdispatcher.cli.CommandLines;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dispatcher ctl}: commands for a running dispatcher, sent to its admin API. Each prints the
 * API's JSON answer and exits 0, or prints the API's error in one line and exits 1.
 */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    description = "Commands for a running dispatcher, through its admin API.",
    subcommands = {
      CtlCommand.Brokers.class,
      CtlCommand.Drain.class,
      CtlCommand.Undrain.class,
      EvacuateCommand.class,
      RebalanceCommand.class,
      RouteCommand.class,
    })
public final class CtlCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: brokers, drain, undrain, evacuate, rebalance, route");
  }

  /** The command line of {@code dispatcher ctl} with the project's error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = CommandLines.create(new CtlCommand(), "dispatcher ctl");
    cl.setCommandName("dispatcher ctl");
    return cl;
  }

  /**
   * Prints {@code response}'s body; returns the exit code (0 for 2xx, else 1 with the error on
   * stderr).
   */
  static int print(CommandSpec spec, AdminClient.Response response) {
    CommandLine cl = spec.commandLine();
    if (!response.ok()) {
      cl.getErr().println("dispatcher ctl: " + response.error());
      return 1;
    }
    PrintWriter out = cl.getOut();
    out.println(response.body().encodePrettily());
    out.flush();
    return 0;
  }

  /** {@code ctl brokers}: every broker with its load and state. */
  @Command(
      name = "brokers",
      mixinStandardHelpOptions = true,
      description = "Show every broker with its load and state.")
  static final class Brokers implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @Override
    public Integer call() {
      return print(spec, connection.client().get("/brokers"));
    }
  }

  /**
   * {@code ctl drain ID}: no new devices for broker ID, on every dispatcher replica (v2 probes).
   */
  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description =
          "Send broker ID no new devices, from every dispatcher replica (its probe carries the flag).")
  static final class Drain implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @CommandLine.Parameters(paramLabel = "ID", description = "The broker id.")
    String broker;

    @Override
    public Integer call() {
      return print(
          spec,
          connection
              .client()
              .post("/brokers/" + BrokerPath.segment(broker) + "/drain", new JsonObject()));
    }
  }

  /** {@code ctl undrain ID}: broker ID takes new devices again; ends an evacuation. */
  @Command(
      name = "undrain",
      mixinStandardHelpOptions = true,
      description = "Let broker ID take new devices again (also ends its evacuation).")
  static final class Undrain implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @CommandLine.Parameters(paramLabel = "ID", description = "The broker id.")
    String broker;

    @Override
    public Integer call() {
      return print(
          spec,
          connection
              .client()
              .post("/brokers/" + BrokerPath.segment(broker) + "/undrain", new JsonObject()));
    }
  }
}

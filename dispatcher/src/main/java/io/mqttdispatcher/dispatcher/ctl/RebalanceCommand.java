package io.mqttdispatcher.dispatcher.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctl rebalance start|status|stop}: the rebalance plan ({@code /rebalance} on the admin
 * API).
 */
@Command(
    name = "rebalance",
    mixinStandardHelpOptions = true,
    description =
        "Start, watch or stop a rebalance: live devices moved from donors to recipients at a bounded rate.",
    subcommands = {
      RebalanceCommand.Start.class,
      RebalanceCommand.Status.class,
      RebalanceCommand.Stop.class
    })
final class RebalanceCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: start, status, stop");
  }

  /**
   * {@code rebalance start}: {@code POST /rebalance}. Unset options take the dispatcher's defaults.
   */
  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a rebalance plan.")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @Option(
        names = "--rate",
        paramLabel = "N",
        description = "Devices each donor moves per second (default: 500).")
    @Nullable Double rate;

    @Option(
        names = "--abs-threshold",
        paramLabel = "N",
        description =
            "A donor is done below the recipients' mean connections plus N (default: 1000).")
    @Nullable Double absThreshold;

    @Option(
        names = "--rel-threshold",
        paramLabel = "X",
        description = "... or below the recipients' mean times X (default: 1.1).")
    @Nullable Double relThreshold;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        description =
            "Seconds between the start (donors already get no new devices) and the first eviction (default: 60).")
    @Nullable Double waitSeconds;

    @Option(
        names = "--donor",
        paramLabel = "ID",
        description = "A donor; repeatable (default: chosen from the loads).")
    List<String> donors = new ArrayList<>();

    @Option(
        names = "--recipient",
        paramLabel = "ID",
        description = "A recipient; repeatable (default: chosen from the loads).")
    List<String> recipients = new ArrayList<>();

    @Option(
        names = "--include-sessions",
        description =
            "Move devices that keep a session too (they lose their queued messages on independent brokers).")
    boolean includeSessions;

    @Override
    public Integer call() {
      JsonObject plan = new JsonObject().put("includeSessions", includeSessions);
      if (rate != null) {
        plan.put("rate", rate);
      }
      if (absThreshold != null) {
        plan.put("absThreshold", absThreshold);
      }
      if (relThreshold != null) {
        plan.put("relThreshold", relThreshold);
      }
      if (waitSeconds != null) {
        plan.put("waitSeconds", waitSeconds);
      }
      if (!donors.isEmpty()) {
        plan.put("donors", new JsonArray(donors));
      }
      if (!recipients.isEmpty()) {
        plan.put("recipients", new JsonArray(recipients));
      }
      return CtlCommand.print(spec, connection.client().post("/rebalance", plan));
    }
  }

  /** {@code rebalance status}: {@code GET /rebalance}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show the rebalance plan's state.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @Override
    public Integer call() {
      return CtlCommand.print(spec, connection.client().get("/rebalance"));
    }
  }

  /** {@code rebalance stop}: {@code DELETE /rebalance}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop the running rebalance plan.")
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin AdminConnection connection;

    @Override
    public Integer call() {
      return CtlCommand.print(spec, connection.client().delete("/rebalance"));
    }
  }
}

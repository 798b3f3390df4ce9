package io.mqttdispatcher.loadgen.rebalance;

import io.mqttdispatcher.loadgen.demo.BrokerKind;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs each mode on a fresh local stack (three Mosquitto brokers, or HiveMQ CE where Mosquitto is
 * not installed, a probe beside each, one or two dispatcher replicas, processes on free loopback
 * ports) and stops everything it started, also on failure.
 */
public final class RebalanceScenario {
  private final RebalanceOptions options;
  private final DemoStack.Jars jars;
  private final Consumer<String> progress;

  /**
   * @param progress one line per phase, for the terminal
   */
  public RebalanceScenario(
      RebalanceOptions options, DemoStack.Jars jars, Consumer<String> progress) {
    this.options = options;
    this.jars = jars;
    this.progress = progress;
  }

  /** Runs every mode of the options, one after the other; returns their results in that order. */
  public List<RebalanceResult> run() throws Exception {
    List<RebalanceResult> results = new ArrayList<>();
    for (RebalanceMode mode : options.modes()) {
      results.add(run(mode));
    }
    return results;
  }

  private RebalanceResult run(RebalanceMode mode) throws Exception {
    int replicas = mode == RebalanceMode.REPLICAS ? 2 : 1;
    // Scale-out: the third broker's probe starts later, when it joins.
    int probesAtStart =
        mode == RebalanceMode.EVACUATE ? RebalanceOptions.BROKERS : ScaleOutRun.JOINING;
    Path work = Files.createDirectories(options.out().resolve(mode.wireName()));
    // Mosquitto where installed (the paper's broker), else HiveMQ CE: its probes read connection
    // counts from its metrics endpoint instead of $SYS.
    BrokerKind kind = BrokerKind.parse("auto");
    progress.accept(
        "["
            + mode.wireName()
            + "] starting 3 "
            + (kind == BrokerKind.MOSQUITTO ? "Mosquitto" : "HiveMQ CE")
            + " brokers, a probe beside "
            + probesAtStart
            + " of them and "
            + (replicas == 1 ? "a dispatcher" : replicas + " dispatcher replicas")
            + " (logs in "
            + work.resolve("logs")
            + ") ...");
    try (DemoStack stack =
        DemoStack.start(
            jars,
            kind,
            new DemoStack.Layout(RebalanceOptions.BROKERS, 1, replicas, probesAtStart),
            work,
            List.of())) {
      StackControl control = new StackControl(stack);
      RebalanceResult result =
          mode == RebalanceMode.EVACUATE
              ? new EvacuationRun(options, control, progress).run()
              : new ScaleOutRun(options, control, mode, progress).run();
      progress.accept("[" + mode.wireName() + "] stopping the stack");
      return result;
    }
  }
}

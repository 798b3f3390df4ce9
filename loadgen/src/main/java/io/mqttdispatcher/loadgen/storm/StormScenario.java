package io.mqttdispatcher.loadgen.storm;

import io.mqttdispatcher.loadgen.demo.BrokerKind;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.haproxy.Haproxy;
import io.mqttdispatcher.loadgen.run.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a local stack (brokers, a probe each, a dispatcher), runs the storm once per strategy on
 * it (the {@code haproxy} strategy with an HAProxy of its own in front of the brokers; without the
 * haproxy binary it is skipped with a warning), and stops everything it started, also on failure.
 */
public final class StormScenario {
  private final StormOptions options;
  private final DemoStack.Jars jars;
  private final Consumer<String> progress;

  /**
   * @param progress one line per phase, for the terminal
   */
  public StormScenario(StormOptions options, DemoStack.Jars jars, Consumer<String> progress) {
    this.options = options;
    this.jars = jars;
    this.progress = progress;
  }

  /**
   * Runs every strategy of the options, one after the other; returns their results in that order.
   */
  public List<StormResult> run() throws Exception {
    progress.accept(
        "starting "
            + options.brokers()
            + " "
            + (options.broker() == BrokerKind.MOSQUITTO ? "Mosquitto" : "HiveMQ CE")
            + " brokers (one process each), a probe per broker and a dispatcher ...");
    List<Strategy> strategies =
        Strategy.runnable(options.strategies(), skipped -> progress.accept("warning: " + skipped));
    List<StormResult> results = new ArrayList<>();
    try (DemoStack stack =
        DemoStack.start(
            jars,
            options.broker(),
            options.brokers(),
            1,
            Files.createDirectories(options.out()).resolve("stack"),
            options.dispatcherArgs())) {
      progress.accept(
          "dispatcher on "
              + stack.dispatcher()
              + ", brokers "
              + stack.brokers()
              + ", status page http://"
              + stack.admin()
              + "/ (logs in "
              + options.out().resolve("stack").resolve("logs")
              + ")");
      for (Strategy strategy : strategies) {
        if (!results.isEmpty()) {
          // The same brokers again: wait for every probe to be back and the last fleet's
          // connections to be gone.
          stack.awaitUsable(options.brokers(), Duration.ofSeconds(60));
          TimeUnit.NANOSECONDS.sleep(options.settle().toNanos());
        }
        results.add(run(stack, strategy));
      }
      progress.accept("stopping the stack");
    }
    return results;
  }

  private StormResult run(DemoStack stack, Strategy strategy) throws Exception {
    if (strategy != Strategy.HAPROXY) {
      return new StormRun(options, stack, strategy, progress, null).run();
    }
    Path binary = Haproxy.BINARY.find().orElseThrow(); // runnable() checked it is there
    try (Haproxy haproxy = Haproxy.start(binary, stack.brokers())) {
      long fits = haproxy.maxConnections();
      progress.accept(
          "haproxy on "
              + haproxy.address()
              + " in front of "
              + stack.brokers()
              + " (TCP, leastconn, at most "
              + fits
              + " connections)");
      if (fits < options.fleet().devices()) {
        progress.accept(
            "warning: haproxy takes at most "
                + fits
                + " connections (its file descriptor limit), fewer than the fleet's "
                + options.fleet().devices()
                + " devices: raise the limit (ulimit -n)");
      }
      return new StormRun(options, stack, strategy, progress, haproxy).run();
    }
  }
}

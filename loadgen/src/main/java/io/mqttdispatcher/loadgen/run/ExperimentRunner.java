package io.mqttdispatcher.loadgen.run;

import io.mqttdispatcher.loadgen.haproxy.Haproxy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario with each requested strategy, one after the other with the same seed, pausing
 * between them so the brokers settle. The {@code haproxy} strategy gets an HAProxy of its own in
 * front of the brokers, started before its run and stopped after it; without the haproxy binary it
 * is skipped with a warning and the others run.
 */
public final class ExperimentRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

  private final RunOptions options;

  public ExperimentRunner(RunOptions options) {
    this.options = options;
  }

  /** Runs every strategy; {@code progress} hears about each second of each one. */
  public List<StrategyResult> run(Consumer<Progress> progress)
      throws InterruptedException, IOException {
    List<Strategy> strategies = Strategy.runnable(options.strategies(), LOG::warn);
    LoadSource loads = loadSource();
    List<StrategyResult> results = new ArrayList<>();
    for (Strategy strategy : strategies) {
      if (!results.isEmpty() && !options.settle().isZero()) {
        LOG.info("letting the brokers settle for {} ms", options.settle().toMillis());
        Thread.sleep(options.settle().toMillis());
      }
      LOG.info(
          "running scenario '{}' with strategy {} (seed {}, {} publishers, about {} s)",
          options.scenario().name(),
          strategy.wireName(),
          options.seed(),
          options.scenario().publisherCount(),
          options.scenario().length().toSeconds());
      results.add(run(strategy, loads, progress));
    }
    return results;
  }

  private StrategyResult run(Strategy strategy, LoadSource loads, Consumer<Progress> progress)
      throws InterruptedException, IOException {
    if (strategy != Strategy.HAPROXY) {
      return new StrategyRun(options, strategy, loads, progress, null).run();
    }
    Path binary = Haproxy.BINARY.find().orElseThrow(); // runnable() checked it is there
    try (Haproxy haproxy = Haproxy.start(binary, options.brokers())) {
      return new StrategyRun(options, strategy, loads, progress, haproxy).run();
    }
  }

  private LoadSource loadSource() {
    if (!options.brokerPids().isEmpty()) {
      return new ProcessCpuLoad(options.brokerPids());
    }
    if (options.admin() != null) {
      return new AdminApiLoad(options.admin(), options.brokers());
    }
    LOG.warn(
        "no broker CPU source: give --admin HOST:PORT (the dispatcher's admin API) or --broker-pids");
    return LoadSource.none(options.brokers().size());
  }
}

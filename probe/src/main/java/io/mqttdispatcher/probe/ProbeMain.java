package io.mqttdispatcher.probe;

import io.mqttdispatcher.cli.CommandLines;
import io.mqttdispatcher.probe.config.ProbeOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Command line of the probe: parses options, starts the {@link Probe}, runs until SIGTERM. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    sortOptions = false,
    description =
        "Runs beside one MQTT broker and reports its load and liveness to every dispatcher.")
public final class ProbeMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeMain.class);

  @Mixin ProbeOptions.Options arguments = new ProbeOptions.Options();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ProbeOptions options = CommandLines.validated(spec.commandLine(), arguments::value);
    Probe probe = Probe.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: closing report connections");
                  probe.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling ({@link CommandLines}). */
  static CommandLine commandLine() {
    return CommandLines.create(new ProbeMain(), "probe");
  }
}

package io.mqttdispatcher.dispatcher;

import io.mqttdispatcher.cli.CommandLines;
import io.mqttdispatcher.cli.SuppressForbidden;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.ctl.CtlCommand;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Command line of the dispatcher: parses options, starts the {@link Dispatcher}, waits for SIGTERM.
 */
@Command(
    name = "dispatcher",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    sortOptions = false,
    description =
        "Redirects MQTT v5 devices to the least loaded broker (CONNACK 0x9C/0x9D with a Server Reference).",
    footer =
        "%nCommands for a running dispatcher (drain, evacuate, rebalance, route): 'dispatcher ctl --help'.")
public final class DispatcherMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherMain.class);

  @Mixin DispatcherOptions.Options arguments = new DispatcherOptions.Options();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DispatcherOptions options = CommandLines.validated(spec.commandLine(), arguments::value);
    Dispatcher dispatcher = Dispatcher.start(options);
    if (options.placement().routingFile() != null) {
      reloadOnHangup(dispatcher);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  dispatcher.close();
                  stopped.countDown();
                },
                "shutdown"));
    LOG.info(
        "dispatcher ready: devices on port {}, probes on port {}, admin on port {}",
        dispatcher.devicePort(),
        dispatcher.probePort(),
        dispatcher.adminPort());
    stopped.await();
    return 0;
  }

  /** SIGHUP reloads the routing file, as daemons do with their configuration. */
  @SuppressWarnings("sunapi")
  @SuppressForbidden(
      reason =
          "the JDK has no public API for SIGHUP; sun.misc.Signal is the supported way (jdk.unsupported)")
  private static void reloadOnHangup(Dispatcher dispatcher) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            LOG.info("SIGHUP: reloading the routing file");
            dispatcher.reloadRouting();
          });
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "SIGHUP cannot be handled on this platform ({}); the routing file is still reloaded when it changes",
          e.getMessage());
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("ctl")) {
      // A separate command line: the server's required options do not apply to ctl.
      System.exit(
          CtlCommand.commandLine().execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling ({@link CommandLines}). */
  static CommandLine commandLine() {
    return CommandLines.create(new DispatcherMain(), "dispatcher");
  }
}

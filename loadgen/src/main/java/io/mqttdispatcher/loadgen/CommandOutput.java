package io.mqttdispatcher.loadgen;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/** What the commands that run a scenario record and print alike. */
final class CommandOutput {
  private CommandOutput() {}

  /** The command line as it was typed, for the report. */
  static String typed(CommandSpec spec) {
    return "loadgen " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }

  /** Progress lines to {@code err}, each flushed at once. */
  static Consumer<String> progress(PrintWriter err) {
    return line -> {
      err.println(line);
      err.flush();
    };
  }
}

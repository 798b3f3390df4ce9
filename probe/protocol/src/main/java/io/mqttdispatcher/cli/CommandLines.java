package io.mqttdispatcher.cli;

import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * picocli command lines with the project's behaviour at the process edge: a bad or missing option
 * gives one line naming it (and where to find the options) and exit code 2; any other failure gives
 * one line and exit code 1, never a stack trace.
 */
public final class CommandLines {
  private CommandLines() {}

  /** A command line for {@code command}; error lines start with {@code name}. */
  public static CommandLine create(Object command, String name) {
    CommandLine cl = new CommandLine(command);
    cl.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println(name + ": " + e.getMessage());
          cmd.getErr()
              .println(
                  "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println(name + ": " + message(e));
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cl;
  }

  /**
   * What {@code value} makes of the parsed options; an {@link IllegalArgumentException} it throws
   * (an option's value refused) becomes a usage error of {@code cl}, reported like a missing or
   * malformed option.
   */
  public static <T> T validated(CommandLine cl, Supplier<T> value) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, message(e), e);
    }
  }

  private static String message(Exception e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /**
   * {@code --version}: the project version from the jar manifest, or {@code dev} when run from
   * classes.
   */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CommandLines.class.getPackage().getImplementationVersion();
      return new String[] {"mqtt-dispatcher " + (v == null ? "dev" : v)};
    }
  }
}

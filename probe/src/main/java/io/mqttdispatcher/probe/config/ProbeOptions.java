package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.CommandLines;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * Everything a probe is configured with, in groups. Each option is declared once, on its group's
 * picocli {@code Options} class (name, default, description); each group is a record that validates
 * itself. {@link #parse} reads options from command-line arguments, so tests and the command line
 * build them alike.
 *
 * @param broker the broker beside this probe ({@link Broker})
 * @param reporting where and how often it reports ({@link Reporting})
 * @param sampling what it measures ({@link Sampling})
 * @param eviction how it moves devices off the broker ({@link Eviction})
 */
public record ProbeOptions(
    Broker broker, Reporting reporting, Sampling sampling, Eviction eviction) {

  public ProbeOptions {
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(reporting, "reporting");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(eviction, "eviction");
  }

  /**
   * The options these command-line arguments give, with the defaults for the rest. An option given
   * twice takes its last value, so a caller can add to a base list.
   *
   * @throws CommandLine.ParameterException naming the option that is missing or wrong
   */
  public static ProbeOptions parse(List<String> args) {
    Options options = new Options();
    CommandLine cl = new CommandLine(options).setOverwrittenOptionsAllowed(true);
    cl.parseArgs(args.toArray(String[]::new));
    return CommandLines.validated(cl, options::value);
  }

  /** Same as {@link #parse(List)}. */
  public static ProbeOptions parse(String... args) {
    return parse(List.of(args));
  }

  /**
   * Every option of the probe, group by group; a picocli mixin. The order here is the order of
   * {@code --help}.
   */
  public static final class Options {
    @Mixin Broker.Options broker = new Broker.Options();
    @Mixin Reporting.Options reporting = new Reporting.Options();
    @Mixin Sampling.Options sampling = new Sampling.Options();
    @Mixin Eviction.Options eviction = new Eviction.Options();

    /**
     * The validated options; reads the secret files.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public ProbeOptions value() {
      return new ProbeOptions(
          broker.value(), reporting.value(), sampling.value(), eviction.value());
    }
  }
}

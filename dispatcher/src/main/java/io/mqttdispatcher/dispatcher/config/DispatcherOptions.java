package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.CommandLines;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * Everything the dispatcher is configured with, in groups. Each option is declared once, on its
 * group's picocli {@code Options} class (name, default, description); each group is a record that
 * validates itself. {@link #parse} reads options from command-line arguments, so tests and the
 * command line build them alike.
 *
 * @param listeners where devices connect ({@link Listeners})
 * @param probes how probes reach this dispatcher ({@link ProbeChannel})
 * @param admin the admin HTTP API ({@link Admin})
 * @param placement how a broker is chosen and how the device is told ({@link Placement})
 * @param limits what a device connection may cost ({@link Limits})
 * @param parking holding CONNECTs while no broker is usable ({@link Parking})
 * @param autoRebalance automatic mode ({@link AutoRebalance})
 */
public record DispatcherOptions(
    Listeners listeners,
    ProbeChannel probes,
    Admin admin,
    Placement placement,
    Limits limits,
    Parking parking,
    AutoRebalance autoRebalance) {

  public DispatcherOptions {
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(parking, "parking");
    Objects.requireNonNull(autoRebalance, "autoRebalance");
  }

  /**
   * The options these command-line arguments give, with the defaults for the rest. An option given
   * twice takes its last value, so a caller can add to a base list.
   *
   * @throws CommandLine.ParameterException naming the option that is missing or wrong
   */
  public static DispatcherOptions parse(List<String> args) {
    Options options = new Options();
    CommandLine cl = new CommandLine(options).setOverwrittenOptionsAllowed(true);
    cl.parseArgs(args.toArray(String[]::new));
    return CommandLines.validated(cl, options::value);
  }

  /** Same as {@link #parse(List)}. */
  public static DispatcherOptions parse(String... args) {
    return parse(List.of(args));
  }

  static void requirePositive(Duration d, String option) {
    Objects.requireNonNull(d, option);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(option + " must be longer than 0");
    }
  }

  /**
   * Every option of the dispatcher, group by group; a picocli mixin. The order here is the order of
   * {@code --help}.
   */
  public static final class Options {
    @Mixin Listeners.Options listeners = new Listeners.Options();
    @Mixin ProbeChannel.Options probes = new ProbeChannel.Options();
    @Mixin Admin.Options admin = new Admin.Options();
    @Mixin Placement.Options placement = new Placement.Options();
    @Mixin Limits.Options limits = new Limits.Options();
    @Mixin Parking.Options parking = new Parking.Options();
    @Mixin AutoRebalance.Options autoRebalance = new AutoRebalance.Options();

    /**
     * The validated options; reads the secret files.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public DispatcherOptions value() {
      return new DispatcherOptions(
          listeners.value(),
          probes.value(),
          admin.value(),
          placement.value(),
          limits.value(),
          parking.value(),
          autoRebalance.value());
    }
  }
}

package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The command-line options of {@link Parking}, declared once; a picocli mixin. */
public final class ParkingOptions {
  @Option(
      names = "--park-max",
      paramLabel = "N",
      defaultValue = Parking.DEFAULT_MAX,
      description =
          "CONNECTs held open at once while no broker of the device's group is usable, answered the"
              + " moment one is; 0 answers CONNACK 0x88 at once (default: ${DEFAULT-VALUE}). Held"
              + " connections count against --max-pending.")
  int max;

  @Option(
      names = "--park-for",
      paramLabel = "DURATION",
      defaultValue = Parking.DEFAULT_HOLD_FOR,
      converter = DurationConverter.class,
      description =
          "The longest a CONNECT is held before CONNACK 0x88; keep it below the devices' own"
              + " CONNACK timeout (default: ${DEFAULT-VALUE}).")
  Duration holdFor;

  @Option(
      names = "--gather-window",
      paramLabel = "DURATION",
      defaultValue = Parking.DEFAULT_GATHER_WINDOW,
      converter = DurationConverter.class,
      description =
          "When brokers come back after none of a group was usable, held devices wait up to this"
              + " long for the group's other recently seen brokers, so the first one back does not"
              + " take them all; 0 = never (default: ${DEFAULT-VALUE}).")
  Duration gatherWindow;

  @Option(
      names = "--release-rate",
      paramLabel = "N",
      defaultValue = Parking.DEFAULT_RELEASE_RATE,
      description =
          "When brokers come back, held devices are let go at most N a second per usable broker,"
              + " so the wave does not overrun the brokers' accept queues; 0 = all at once"
              + " (default: ${DEFAULT-VALUE}).")
  int releaseRate;

  /** The validated settings. */
  public Parking settings() {
    return new Parking(max, holdFor, gatherWindow, releaseRate);
  }
}

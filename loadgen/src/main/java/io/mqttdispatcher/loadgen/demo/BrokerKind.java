package io.mqttdispatcher.loadgen.demo;

import java.io.File;
import java.util.Optional;

/** Which broker the demo runs. */
public enum BrokerKind {
  /** The local {@code mosquitto} binary, the paper's broker. */
  MOSQUITTO,
  /** HiveMQ Community Edition, embedded, one JVM per broker: needs nothing but Java. */
  HIVEMQ;

  /** The installed mosquitto executable, if any. */
  static Optional<String> mosquittoBinary() {
    for (String dir :
        new String[] {
          "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/sbin"
        }) {
      File f = new File(dir, "mosquitto");
      if (f.canExecute()) {
        return Optional.of(f.getPath());
      }
    }
    return Optional.empty();
  }

  /** Mosquitto when installed, else HiveMQ CE. */
  static BrokerKind detect() {
    return mosquittoBinary().isPresent() ? MOSQUITTO : HIVEMQ;
  }

  /** Parses {@code auto}, {@code mosquitto} or {@code hivemq}. */
  public static BrokerKind parse(String value) {
    return switch (value) {
      case "auto" -> detect();
      case "mosquitto" -> MOSQUITTO;
      case "hivemq" -> HIVEMQ;
      default ->
          throw new IllegalArgumentException(
              "'" + value + "' is not a broker kind: use auto, mosquitto or hivemq");
    };
  }
}

package io.mqttdispatcher.loadgen.demo;

import io.mqttdispatcher.embedded.MosquittoBinary;
import java.nio.file.Path;
import java.util.Optional;

/** Which broker the demo runs. */
public enum BrokerKind {
  /** The local {@code mosquitto} binary ({@link MosquittoBinary}), the paper's broker. */
  MOSQUITTO,
  /** HiveMQ Community Edition, embedded, one JVM per broker: needs nothing but Java. */
  HIVEMQ;

  /** The mosquitto executable: named by {@code MOSQUITTO}, else the first on the PATH. */
  static Optional<String> mosquittoBinary() {
    return MosquittoBinary.find().map(Path::toString);
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

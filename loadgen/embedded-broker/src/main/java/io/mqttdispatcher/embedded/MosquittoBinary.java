package io.mqttdispatcher.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the mosquitto executable is: the file named by the {@code MOSQUITTO} environment variable
 * when it is set, else the first {@code mosquitto} on the {@code PATH} (the rule of {@link
 * InstalledBinary}).
 */
public final class MosquittoBinary {
  /**
   * The environment variable that names the executable, e.g. {@code MOSQUITTO=/usr/sbin/mosquitto}.
   */
  public static final String OVERRIDE = "MOSQUITTO";

  private static final InstalledBinary MOSQUITTO =
      new InstalledBinary("mosquitto", OVERRIDE, "mosquitto");

  private MosquittoBinary() {}

  /**
   * The executable by this process's environment.
   *
   * @throws IllegalStateException when {@code MOSQUITTO} names something that is not an executable
   *     file (a typo must not quietly fall back to another broker)
   */
  public static Optional<Path> find() {
    return MOSQUITTO.find();
  }

  /** The executable by the given environment ({@code MOSQUITTO}, then {@code PATH}). */
  static Optional<Path> find(Map<String, String> env) {
    return MOSQUITTO.find(env);
  }

  /** The first executable file called {@code name} in the directories of {@code path}. */
  public static Optional<Path> onPath(String name, @Nullable String path) {
    return InstalledBinary.onPath(name, path);
  }

  /** What to tell a user who asked for Mosquitto on a machine where {@link #find()} found none. */
  public static String howToInstall() {
    return MOSQUITTO.howToInstall();
  }
}

package io.mqttdispatcher.embedded;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the mosquitto executable is, by one rule that the demo, the storm and the tests all follow:
 * the file named by the {@code MOSQUITTO} environment variable when it is set, else the first
 * {@code mosquitto} on the {@code PATH}. No fixed directories: a mosquitto that is not on the PATH
 * (Debian puts it in {@code /usr/sbin}, which a normal user's PATH lacks) is used only when named,
 * and one hidden from the PATH is really absent, so a run can prove what a machine without it does.
 */
public final class MosquittoBinary {
  /**
   * The environment variable that names the executable, e.g. {@code MOSQUITTO=/usr/sbin/mosquitto}.
   */
  public static final String OVERRIDE = "MOSQUITTO";

  private MosquittoBinary() {}

  /**
   * The executable by this process's environment.
   *
   * @throws IllegalStateException when {@code MOSQUITTO} names something that is not an executable
   *     file (a typo must not quietly fall back to another broker)
   */
  public static Optional<Path> find() {
    return find(System.getenv());
  }

  /** The executable by the given environment ({@code MOSQUITTO}, then {@code PATH}). */
  static Optional<Path> find(Map<String, String> env) {
    String named = env.get(OVERRIDE);
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalStateException(
            OVERRIDE
                + "="
                + named
                + " is not an executable file: name the mosquitto binary or unset it");
      }
      return Optional.of(p.toAbsolutePath());
    }
    return onPath("mosquitto", env.get("PATH"));
  }

  /** The first executable file called {@code name} in the directories of {@code path}. */
  public static Optional<Path> onPath(String name, @Nullable String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue; // an empty entry means the working directory: never where a broker is looked for
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** What to tell a user who asked for Mosquitto on a machine where {@link #find()} found none. */
  public static String howToInstall() {
    return "install it (apt-get install -y mosquitto) and put it on the PATH, or name it with "
        + OVERRIDE
        + "=/path/to/mosquitto";
  }
}

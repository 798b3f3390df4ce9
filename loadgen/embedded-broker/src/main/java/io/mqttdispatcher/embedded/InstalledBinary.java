package io.mqttdispatcher.embedded;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where an installed program is, by one rule that the demo, the storm and the tests all follow: the
 * file named by its environment variable when that is set, else the first executable of its name on
 * the {@code PATH}. No fixed directories: a program that is not on the PATH (Debian puts mosquitto
 * and haproxy in {@code /usr/sbin}, which a normal user's PATH lacks) is used only when named, and
 * one hidden from the PATH is really absent, so a run can prove what a machine without it does.
 *
 * @param name the executable's file name, e.g. {@code haproxy}
 * @param override the environment variable that names the executable, e.g. {@code HAPROXY}
 * @param aptPackage the Debian package that installs it
 */
public record InstalledBinary(String name, String override, String aptPackage) {
  public InstalledBinary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(override, "override");
    Objects.requireNonNull(aptPackage, "aptPackage");
  }

  /**
   * The executable by this process's environment.
   *
   * @throws IllegalStateException when the override names something that is not an executable file
   *     (a typo must not quietly fall back to another copy)
   */
  public Optional<Path> find() {
    return find(System.getenv());
  }

  /** The executable by the given environment (the override, then {@code PATH}). */
  public Optional<Path> find(Map<String, String> env) {
    String named = env.get(override);
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalStateException(
            override
                + "="
                + named
                + " is not an executable file: name the "
                + name
                + " binary or unset it");
      }
      return Optional.of(p.toAbsolutePath());
    }
    return onPath(name, env.get("PATH"));
  }

  /** The first executable file called {@code name} in the directories of {@code path}. */
  public static Optional<Path> onPath(String name, @Nullable String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue; // an empty entry means the working directory: never where a program is looked for
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /**
   * What to tell a user who asked for the program on a machine where {@link #find()} found none.
   */
  public String howToInstall() {
    return "install it (apt-get install -y "
        + aptPackage
        + ") and put it on the PATH, or name it with "
        + override
        + "=/path/to/"
        + name;
  }
}

package io.mqttdispatcher.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup rule for a program other than mosquitto: its own variable, its own name. */
class InstalledBinaryTest {
  private static final InstalledBinary HAPROXY =
      new InstalledBinary("haproxy", "HAPROXY", "haproxy");

  @TempDir Path dir;

  private Path executable(String where, String name) throws IOException {
    Path d = Files.createDirectories(dir.resolve(where));
    Path f = Files.writeString(d.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  @Test
  void finds_the_program_by_its_own_name_on_the_path() throws IOException {
    executable("bin", "mosquitto");
    Path haproxy = executable("sbin", "haproxy");
    String path = dir.resolve("bin") + java.io.File.pathSeparator + dir.resolve("sbin");

    assertThat(HAPROXY.find(Map.of("PATH", path))).contains(haproxy);
    assertThat(HAPROXY.find(Map.of("PATH", dir.resolve("bin").toString()))).isEmpty();
  }

  @Test
  void its_own_variable_wins_and_the_other_programs_variable_is_ignored() throws IOException {
    Path onPath = executable("bin", "haproxy");
    Path named = executable("opt", "haproxy");
    String path = dir.resolve("bin").toString();

    assertThat(HAPROXY.find(Map.of("PATH", path, "HAPROXY", named.toString()))).contains(named);
    assertThat(HAPROXY.find(Map.of("PATH", path, "MOSQUITTO", named.toString()))).contains(onPath);
  }

  @Test
  void a_variable_naming_no_executable_is_an_error_that_names_the_variable() {
    String missing = dir.resolve("nowhere/haproxy").toString();

    assertThatThrownBy(() -> HAPROXY.find(Map.of("HAPROXY", missing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "HAPROXY="
                + missing
                + " is not an executable file: name the haproxy binary or unset it");
  }

  @Test
  void how_to_install_names_the_package_and_the_variable() {
    assertThat(HAPROXY.howToInstall())
        .isEqualTo(
            "install it (apt-get install -y haproxy) and put it on the PATH, or name it with"
                + " HAPROXY=/path/to/haproxy");
  }
}

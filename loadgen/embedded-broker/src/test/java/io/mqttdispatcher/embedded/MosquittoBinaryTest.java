package io.mqttdispatcher.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoBinaryTest {
  @TempDir Path dir;

  private Path executable(String where) throws IOException {
    Path d = Files.createDirectories(dir.resolve(where));
    Path f = Files.writeString(d.resolve("mosquitto"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  private String path(String... dirs) {
    StringBuilder b = new StringBuilder();
    for (String d : dirs) {
      b.append(b.length() == 0 ? "" : File.pathSeparator).append(dir.resolve(d));
    }
    return b.toString();
  }

  @Test
  void takes_the_first_mosquitto_on_the_path() throws IOException {
    executable("bin");
    Path second = executable("sbin");

    assertThat(MosquittoBinary.find(Map.of("PATH", path("empty", "sbin", "bin")))).contains(second);
  }

  @Test
  void finds_none_when_the_path_lacks_it_even_if_it_sits_in_a_usual_directory() throws IOException {
    executable("sbin");
    Files.createDirectories(dir.resolve("bin"));

    assertThat(MosquittoBinary.find(Map.of("PATH", path("bin")))).isEmpty();
    assertThat(MosquittoBinary.find(Map.of())).isEmpty();
  }

  @Test
  void a_file_that_is_not_executable_is_not_taken() throws IOException {
    Path f = executable("bin");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(MosquittoBinary.find(Map.of("PATH", path("bin")))).isEmpty();
  }

  @Test
  void the_override_wins_over_the_path() throws IOException {
    executable("bin");
    Path named = executable("opt");

    assertThat(
            MosquittoBinary.find(
                Map.of("PATH", path("bin"), MosquittoBinary.OVERRIDE, named.toString())))
        .contains(named);
  }

  @Test
  void an_override_that_names_no_executable_is_an_error_not_a_fallback() throws IOException {
    executable("bin");
    String missing = dir.resolve("nowhere/mosquitto").toString();

    assertThatThrownBy(
            () ->
                MosquittoBinary.find(
                    Map.of("PATH", path("bin"), MosquittoBinary.OVERRIDE, missing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MOSQUITTO=" + missing + " is not an executable file");
  }
}

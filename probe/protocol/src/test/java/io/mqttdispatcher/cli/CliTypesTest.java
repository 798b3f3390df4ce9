package io.mqttdispatcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTypesTest {
  @Test
  void durations() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationConverter.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThatThrownBy(() -> DurationConverter.parse("5"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("500ms");
    assertThatThrownBy(() -> DurationConverter.parse("-1s")).hasMessageContaining("not a duration");
  }

  @Test
  void host_ports() {
    assertThat(HostPort.parse("127.0.0.1:1883")).isEqualTo(new HostPort("127.0.0.1", 1883));
    assertThat(HostPort.parse("[::1]:1883")).isEqualTo(new HostPort("::1", 1883));
    assertThat(HostPort.parse("[::1]:1883").toString()).isEqualTo("[::1]:1883");
    assertThatThrownBy(() -> HostPort.parse("1883")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> HostPort.parse("h:99999")).hasMessageContaining("65535");
    assertThatThrownBy(() -> HostPort.parse("::1:1883")).hasMessageContaining("brackets");
  }

  @Test
  void secret_file_strips_trailing_newlines_and_refuses_empty(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("secret");
    Files.writeString(f, "s3cret\r\n");
    assertThat(SecretFile.readString(f)).isEqualTo("s3cret");

    Files.writeString(f, "\n");
    assertThatThrownBy(() -> SecretFile.read(f))
        .hasMessageContaining("is empty")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> SecretFile.read(dir.resolve("missing")))
        .hasMessageContaining("does not exist");

    Files.writeString(f, "   \n");
    assertThatThrownBy(() -> SecretFile.read(f)).hasMessageContaining("only spaces");
  }
}

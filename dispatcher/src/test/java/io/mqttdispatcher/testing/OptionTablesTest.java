package io.mqttdispatcher.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class OptionTablesTest {
  @TempDir Path root;

  @Command(name = "tool", mixinStandardHelpOptions = true)
  static final class Tool {
    @Option(names = "--port", paramLabel = "N", defaultValue = "1883", description = "Port.")
    int port;

    @Option(names = "--secret-file", required = true, description = "Secret.")
    Path secret;

    @Option(names = "--tls", description = "TLS.")
    boolean tls;

    @Option(names = "--sys", negatable = true, defaultValue = "true", description = "$SYS.")
    boolean sys;
  }

  private void docs(String readme, String page) throws IOException {
    Files.writeString(root.resolve("README.md"), readme);
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/tool.md"), page);
  }

  private List<String> differences() {
    return OptionTables.differences(new CommandLine(new Tool()), root);
  }

  private static final String TABLE =
      """
      | option | default | what |
      |---|---|---|
      | `--port N` | `1883` | the port |
      | `--secret-file FILE` | required | the secret |
      """;

  @Test
  void options_documented_anywhere_with_their_defaults_agree() throws IOException {
    docs(
        "# Tool\n\n" + TABLE,
        "| `--tls` | off | TLS |\n| `--[no-]sys` | on | $SYS |\n\n| `--other` | x | another's |\n"
            + "| `--another` | y | another's |\n");

    assertThat(differences()).isEmpty();
  }

  @Test
  void an_option_missing_from_the_tables_is_named() throws IOException {
    docs("# Tool\n\n" + TABLE, "| `--tls` | off | TLS |\n");

    assertThat(differences())
        .containsExactly("--sys is in --help but in no option table of README.md or docs/*.md");
  }

  @Test
  void a_documented_option_the_help_lacks_and_a_wrong_default_are_named() throws IOException {
    docs(
        "# Tool\n\n" + TABLE.replace("`1883`", "`1884`"),
        "| `--tls` | on | TLS |\n| `--[no-]sys` / `--gone X` | on / none | two |\n");

    assertThat(differences())
        .containsExactly(
            "README.md:5: --port has default 1883 in --help, `1884` in the docs",
            "docs/tool.md:1: --tls has default null, the docs say on",
            "docs/tool.md:2: --gone is documented but not in --help");
  }
}

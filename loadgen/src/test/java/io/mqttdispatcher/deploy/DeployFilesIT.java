package io.mqttdispatcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.deploy.DeployFiles.Invocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every option the deploy files pass to the dispatcher, the probe and the load generator exists in
 * that jar's {@code --help}, and every complete command line carries the options the jar requires.
 * Runs after packaging (failsafe), against {@code <module>/target/<module>.jar}; a missing jar
 * fails the test with the command that builds it.
 */
class DeployFilesIT {
  private static final Pattern OPTION = Pattern.compile("--(\\[no-])?([a-z0-9][a-z0-9-]*)");
  private static final Pattern BRACKETED = Pattern.compile("\\[[^\\[\\]]*]");

  /** Help text per command: "dispatcher", "probe", "loadgen run", ... */
  private final Map<String, String> help = new HashMap<>();

  @Test
  void every_option_in_the_deploy_files_exists_in_the_jars_help() {
    List<Invocation> invocations = new ArrayList<>(DeployFiles.invocations());
    invocations.addAll(DeployFiles.envFileMentions());
    assertThat(invocations).isNotEmpty();
    List<String> unknown = new ArrayList<>();
    for (Invocation inv : invocations) {
      Set<String> known = options(helpOf(inv));
      for (String flag : inv.flags()) {
        if (!known.contains(flag)) {
          unknown.add("--" + flag + " (" + inv.source() + ")");
        }
      }
    }
    assertThat(unknown).as("options not in the jars' --help").isEmpty();
  }

  @Test
  void every_complete_command_line_has_the_required_options() {
    List<String> missing = new ArrayList<>();
    for (Invocation inv : DeployFiles.invocations()) {
      if (!inv.complete()) {
        continue; // a Dockerfile's default CMD or an image used with arguments given elsewhere
      }
      for (String required : required(helpOf(inv))) {
        if (!inv.flags().contains(required)) {
          missing.add("--" + required + " (" + inv.source() + ")");
        }
      }
    }
    assertThat(missing).as("required options missing").isEmpty();
  }

  @Test
  void a_misspelled_option_is_caught() {
    // The check above must be able to fail: a near miss of a real option is not in --help.
    Set<String> dispatcher = options(help("dispatcher", List.of("--help")));
    assertThat(dispatcher)
        .contains("probe-secret-file", "allow", "admin-listen")
        .doesNotContain("probe-secret", "allowed");
    Set<String> probe = options(help("probe", List.of("--help")));
    assertThat(probe)
        .contains("endpoint", "dispatcher", "process", "sys-topics", "no-sys-topics")
        .doesNotContain("endpoints");
    Invocation typo =
        new Invocation("probe", List.of("--endpoints=mqtt=broker-1:1883"), "test", false);
    assertThat(typo.flags()).noneMatch(probe::contains);
  }

  private String helpOf(Invocation inv) {
    List<String> args = new ArrayList<>();
    inv.subcommand().ifPresent(args::add);
    args.add("--help");
    String key = inv.module() + inv.subcommand().map(s -> " " + s).orElse("");
    return help.computeIfAbsent(key, k -> help(inv.module(), args));
  }

  /** Option names in a picocli help text; {@code --[no-]x} gives both x and no-x. */
  static Set<String> options(String helpText) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = OPTION.matcher(helpText);
    while (m.find()) {
      names.add(m.group(2));
      if (m.group(1) != null) {
        names.add("no-" + m.group(2));
      }
    }
    return names;
  }

  /** Options outside any [...] in the usage synopsis: picocli's way of marking them required. */
  static Set<String> required(String helpText) {
    String synopsis = synopsis(helpText);
    String previous;
    do {
      previous = synopsis;
      synopsis = BRACKETED.matcher(synopsis).replaceAll(" ");
    } while (!synopsis.equals(previous));
    return options(synopsis);
  }

  private static String synopsis(String helpText) {
    StringBuilder sb = new StringBuilder();
    boolean in = false;
    for (String line : helpText.split("\n")) {
      if (line.startsWith("Usage:")) {
        in = true;
      } else if (in && !line.startsWith(" ")) {
        break;
      }
      if (in) {
        sb.append(line).append(' ');
      }
    }
    assertThat(sb).as("usage synopsis in:\n%s", helpText).isNotEmpty();
    return sb.toString();
  }

  /** Runs {@code java -jar <module>.jar ARGS} and returns its output. */
  private static String help(String module, List<String> args) {
    Path jar = DeployFiles.repoRoot().resolve(module).resolve("target").resolve(module + ".jar");
    assertThat(jar)
        .as(
            "%s is missing: build it first with 'mvn -B -q package -DskipTests' in %s",
            jar, DeployFiles.repoRoot())
        .isRegularFile();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(args);
    try {
      Path out = Files.createTempFile("help-" + module, ".txt");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
            .as("exit code of %s, output:\n%s", String.join(" ", command), text)
            .isZero();
        return text;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    }
  }
}

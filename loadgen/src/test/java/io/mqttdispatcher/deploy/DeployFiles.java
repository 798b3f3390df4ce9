package io.mqttdispatcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the files under {@code deploy/} and finds every command line they give the dispatcher, the
 * probe and the load generator: compose services, Kubernetes containers, Dockerfile ENTRYPOINT/CMD,
 * and systemd ExecStart lines with their environment files expanded.
 */
final class DeployFiles {
  static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JAR = Pattern.compile("(?:^|/)(dispatcher|probe|loadgen)\\.jar$");
  private static final Pattern IMAGE =
      Pattern.compile("(?:^|/)mqtt-(dispatcher|probe|loadgen)(?::[^/]*)?$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

  /** One command line for one of our jars; {@code args} start after the jar. */
  record Invocation(String module, List<String> args, String source, boolean complete) {
    /** The loadgen subcommand ({@code run}, {@code bench-connect}), if any. */
    Optional<String> subcommand() {
      return module.equals("loadgen") && !args.isEmpty() && !args.get(0).startsWith("-")
          ? Optional.of(args.get(0))
          : Optional.empty();
    }

    /** Option names without leading dashes or values: {@code --allow=x} gives {@code allow}. */
    List<String> flags() {
      List<String> flags = new ArrayList<>();
      for (String arg : args) {
        if (arg.startsWith("--") && arg.length() > 2) {
          int eq = arg.indexOf('=');
          flags.add(eq < 0 ? arg.substring(2) : arg.substring(2, eq));
        }
      }
      return flags;
    }

    /** Every value given to {@code --name}, in either {@code --name=v} or {@code --name v} form. */
    List<String> values(String name) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.startsWith("--" + name + "=")) {
          values.add(arg.substring(name.length() + 3));
        } else if (arg.equals("--" + name) && i + 1 < args.size()) {
          values.add(args.get(i + 1));
        }
      }
      return values;
    }

    @Override
    public String toString() {
      return module + " in " + source + ": " + String.join(" ", args);
    }
  }

  private DeployFiles() {}

  /** The repository's {@code deploy/} folder, found from the working directory upwards. */
  static Path deployDir() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("deploy/compose.yaml"))) {
        return dir.resolve("deploy");
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no deploy/compose.yaml above " + Path.of("").toAbsolutePath());
  }

  static Path repoRoot() {
    return deployDir().getParent();
  }

  /** Every file under deploy/ whose name ends with one of {@code suffixes}, sorted. */
  static List<Path> files(String... suffixes) {
    try (Stream<Path> walk = Files.walk(deployDir())) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML document in a file (null documents, e.g. a trailing ---, are dropped). */
  static List<JsonNode> documents(Path file) {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      return it.readAll().stream().filter(Objects::nonNull).filter(n -> !n.isNull()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every Kubernetes object under deploy/k8s, excluding the kustomization. */
  static List<JsonNode> k8sObjects() {
    List<JsonNode> objects = new ArrayList<>();
    for (Path file : files(".yaml", ".yml")) {
      if (file.startsWith(deployDir().resolve("k8s"))
          && !file.getFileName().toString().startsWith("kustomization")) {
        objects.addAll(documents(file));
      }
    }
    return objects;
  }

  static JsonNode kustomization() {
    return documents(deployDir().resolve("k8s/kustomization.yaml")).get(0);
  }

  static JsonNode compose() {
    return documents(deployDir().resolve("compose.yaml")).get(0);
  }

  /** Which of our modules an image name is, if any. */
  static Optional<String> moduleOfImage(String image) {
    Matcher m = IMAGE.matcher(image);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Every invocation of our jars in all deploy files. */
  static List<Invocation> invocations() {
    List<Invocation> all = new ArrayList<>();
    all.addAll(composeInvocations());
    all.addAll(k8sInvocations());
    all.addAll(dockerfileInvocations());
    all.addAll(systemdInvocations());
    return all;
  }

  static List<Invocation> composeInvocations() {
    List<Invocation> result = new ArrayList<>();
    compose()
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode service = e.getValue();
              String image =
                  service.path("image").asText(service.path("build").path("dockerfile").asText(""));
              List<String> args = commandList(service.path("command"));
              Optional<String> module = moduleOfImage(image).or(() -> moduleOfDockerfile(image));
              if (module.isPresent()) {
                result.add(
                    new Invocation(module.get(), args, "compose.yaml service " + e.getKey(), true));
              } else if (args.stream().anyMatch(a -> a.startsWith("--"))) {
                throw new AssertionError(
                    "compose service "
                        + e.getKey()
                        + " passes options to image '"
                        + image
                        + "', which is none of mqtt-dispatcher, mqtt-probe, mqtt-loadgen: its options cannot be checked");
              }
            });
    return result;
  }

  private static Optional<String> moduleOfDockerfile(String path) {
    Matcher m = Pattern.compile("(dispatcher|probe|loadgen)\\.Dockerfile$").matcher(path);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The pod specs of every workload (Deployment, StatefulSet, ...) with the object they are in. */
  static List<Map.Entry<JsonNode, JsonNode>> podSpecs() {
    List<Map.Entry<JsonNode, JsonNode>> result = new ArrayList<>();
    for (JsonNode object : k8sObjects()) {
      JsonNode spec =
          object.path("kind").asText().equals("Pod")
              ? object.path("spec")
              : object.path("spec").path("template").path("spec");
      if (spec.has("containers")) {
        result.add(Map.entry(object, spec));
      }
    }
    return result;
  }

  static List<Invocation> k8sInvocations() {
    List<Invocation> result = new ArrayList<>();
    for (var pod : podSpecs()) {
      for (JsonNode container : containers(pod.getValue())) {
        String image = container.path("image").asText();
        List<String> args = new ArrayList<>(commandList(container.path("command")));
        args.addAll(commandList(container.path("args")));
        String source =
            "k8s "
                + pod.getKey().path("kind").asText()
                + " "
                + pod.getKey().path("metadata").path("name").asText()
                + " container "
                + container.path("name").asText();
        Optional<String> module = moduleOfImage(image);
        if (module.isPresent()) {
          result.add(new Invocation(module.get(), args, source, true));
        } else if (args.stream().anyMatch(a -> a.startsWith("--"))) {
          throw new AssertionError(
              source
                  + " passes options to image '"
                  + image
                  + "', which is none of mqtt-dispatcher, mqtt-probe, mqtt-loadgen: its options cannot be checked");
        }
      }
    }
    return result;
  }

  static List<JsonNode> containers(JsonNode podSpec) {
    List<JsonNode> containers = new ArrayList<>();
    podSpec.path("initContainers").forEach(containers::add);
    podSpec.path("containers").forEach(containers::add);
    return containers;
  }

  /** ENTRYPOINT and CMD of each Dockerfile; the entrypoint must run the module's jar. */
  static List<Invocation> dockerfileInvocations() {
    List<Invocation> result = new ArrayList<>();
    for (Path file : files(".Dockerfile")) {
      String module =
          moduleOfDockerfile(file.getFileName().toString())
              .orElseThrow(() -> new AssertionError("cannot tell which jar " + file + " is for"));
      List<String> command = new ArrayList<>();
      String entrypoint = dockerInstruction(file, "ENTRYPOINT");
      String cmd = dockerInstruction(file, "CMD");
      command.addAll(jsonArray(file, entrypoint));
      command.addAll(jsonArray(file, cmd));
      result.add(
          new Invocation(
              module,
              afterJar(command, module, file.toString()),
              deployDir().relativize(file).toString(),
              false));
    }
    return result;
  }

  /** The text of the last instruction of this kind (continuation lines joined), or "". */
  static String dockerInstruction(Path file, String instruction) {
    String found = "";
    for (String line : logicalLines(read(file))) {
      if (line.startsWith(instruction + " ")) {
        found = line.substring(instruction.length() + 1).trim();
      }
    }
    return found;
  }

  private static List<String> jsonArray(Path file, String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.startsWith("[")) {
      throw new AssertionError(
          file + ": use the exec form (a JSON array), not a shell string: " + text);
    }
    try {
      return List.of(JSON.readValue(text, String[].class));
    } catch (IOException e) {
      throw new AssertionError(file + ": not a JSON array: " + text, e);
    }
  }

  /** ExecStart of each unit, with $VAR and ${VAR} taken from the unit's environment file sample. */
  static List<Invocation> systemdInvocations() {
    List<Invocation> result = new ArrayList<>();
    for (Path unit : files(".service")) {
      Map<String, List<String>> unitKeys = unitKeys(unit);
      Map<String, String> env = new LinkedHashMap<>();
      for (String envFile : unitKeys.getOrDefault("EnvironmentFile", List.of())) {
        Path sample = unit.resolveSibling(Path.of(envFile.replaceFirst("^-", "")).getFileName());
        if (!Files.isRegularFile(sample)) {
          throw new AssertionError(
              unit + " reads " + envFile + " but there is no sample " + sample);
        }
        env.putAll(envFile(sample));
      }
      for (String exec : unitKeys.getOrDefault("ExecStart", List.of())) {
        List<String> words = new ArrayList<>();
        for (String word : exec.trim().split("\\s+")) {
          Matcher m = VARIABLE.matcher(word);
          if (m.matches()) {
            String value = env.get(m.group(1));
            if (value == null) {
              throw new AssertionError(
                  unit
                      + ": ExecStart uses $"
                      + m.group(1)
                      + ", which its environment file does not set");
            }
            if (!value.isBlank()) {
              words.addAll(List.of(value.trim().split("\\s+")));
            }
          } else {
            words.add(word);
          }
        }
        String jar =
            words.stream()
                .filter(w -> JAR.matcher(w).find())
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError(unit + ": ExecStart runs none of our jars: " + exec));
        Matcher m = JAR.matcher(jar);
        m.find();
        result.add(
            new Invocation(
                m.group(1),
                afterJar(words, m.group(1), unit.toString()),
                deployDir().relativize(unit).toString(),
                true));
      }
    }
    return result;
  }

  /** Every {@code --flag} in an environment file sample, in settings and in commented examples. */
  static List<Invocation> envFileMentions() {
    List<Invocation> result = new ArrayList<>();
    for (Path file : files(".env")) {
      String name = file.getFileName().toString();
      String module =
          Stream.of("dispatcher", "probe", "loadgen")
              .filter(name::startsWith)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "cannot tell which jar " + file + " is for: name it <module>.env"));
      List<String> words = new ArrayList<>();
      for (String line : read(file).split("\n")) {
        // Prose comments may name another program's options; example lines ("#   --x=y") may not.
        if (line.startsWith("#") && !line.matches("#\\s+--.*")) {
          continue;
        }
        for (String word : line.replace('"', ' ').split("\\s+")) {
          if (word.matches("--[a-z][a-z0-9-]*(=.*)?")) {
            words.add(word);
          }
        }
      }
      result.add(
          new Invocation(
              module,
              words,
              deployDir().relativize(file) + " (settings and commented examples)",
              false));
    }
    return result;
  }

  /** KEY=VALUE lines of an environment file, with one pair of surrounding quotes removed. */
  static Map<String, String> envFile(Path file) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read(file).split("\n")) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new AssertionError(file + ": not KEY=VALUE: " + line);
      }
      String value = l.substring(eq + 1);
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(l.substring(0, eq), value);
    }
    return env;
  }

  /** The keys of a systemd unit, every occurrence in order (sections are not kept apart). */
  static Map<String, List<String>> unitKeys(Path unit) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String line : logicalLines(read(unit))) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new AssertionError(unit + ": not Key=Value: " + line);
      }
      keys.computeIfAbsent(line.substring(0, eq).trim(), k -> new ArrayList<>())
          .add(line.substring(eq + 1).trim());
    }
    return keys;
  }

  private static List<String> afterJar(List<String> command, String module, String source) {
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).equals("-jar")) {
        if (i + 1 >= command.size() || !command.get(i + 1).endsWith("/" + module + ".jar")) {
          throw new AssertionError(source + ": expected -jar .../" + module + ".jar in " + command);
        }
        return List.copyOf(command.subList(i + 2, command.size()));
      }
    }
    throw new AssertionError(source + ": no 'java -jar .../" + module + ".jar' in " + command);
  }

  private static List<String> commandList(JsonNode node) {
    List<String> list = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> list.add(n.asText()));
    } else if (node.isTextual()) {
      list.addAll(List.of(node.asText().trim().split("\\s+")));
    }
    return list;
  }

  /** Lines with backslash continuations joined and leading blanks removed. */
  private static List<String> logicalLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (current.length() == 0 && line.startsWith("#")) {
        lines.add(line);
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        current.append(line);
        lines.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return lines;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

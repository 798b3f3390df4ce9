package io.mqttdispatcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The repository's own Markdown: every relative link and anchor resolves, the README stays what a
 * newcomer reads in one go, and the classes the architecture page walks through exist.
 */
class RepositoryDocsTest {
  /** The README holds what a newcomer needs; reference and results live in docs/. */
  private static final int README_MAX_BYTES = 15_000;

  /** In backticks: a type, or a type and one of its methods ({@code ConnectService.decide}). */
  private static final Pattern CODE_NAME =
      Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:\\.([a-z][A-Za-z0-9]*)(?:\\(\\))?)?`");

  /** In the diagrams: a name of two or more capitalised words, optionally with a method. */
  private static final Pattern DIAGRAM_NAME =
      Pattern.compile("\\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?:\\.([a-z][A-Za-z0-9]*))?\\b");

  /** Words in the diagrams that look like type names and are the names of products. */
  private static final Set<String> NOT_TYPES = Set.of("WebSocket", "HiveMQ", "SnakeYAML");

  @Test
  void every_relative_link_and_anchor_resolves() {
    Path root = repoRoot();
    List<Path> files = MarkdownLinks.markdownFiles(root);
    assertThat(files)
        .as("Markdown files found under %s", root)
        .contains(root.resolve("README.md"), root.resolve("docs/architecture.md"));

    List<String> broken =
        MarkdownLinks.check(root, files).stream().map(b -> b.describe(root)).toList();

    assertThat(broken)
        .as(
            "broken links in %d Markdown files (anchors are GitHub's: the heading in lower case,"
                + " punctuation but - and _ removed, spaces as -)",
            files.size())
        .isEmpty();
  }

  @Test
  void readme_stays_under_15000_bytes() throws IOException {
    long size = Files.size(repoRoot().resolve("README.md"));

    assertThat(size)
        .as(
            "README.md is %d bytes; keep it to what a newcomer needs and move reference or results"
                + " into a docs/ page",
            size)
        .isLessThan(README_MAX_BYTES);
  }

  @Test
  void architecture_names_only_classes_and_methods_that_exist() {
    Path root = repoRoot();
    CodeNames code = CodeNames.of(MarkdownLinks.sourceFiles(root, ".java"));
    String[] lines = MarkdownLinks.read(root.resolve("docs/architecture.md")).split("\n", -1);
    List<String> wrong = new ArrayList<>();
    boolean inBlock = false;
    int names = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      Matcher m = (inBlock ? DIAGRAM_NAME : CODE_NAME).matcher(lines[i]);
      while (m.find()) {
        if (NOT_TYPES.contains(m.group(1))) {
          continue;
        }
        names++;
        String problem = code.problem(m.group(1), m.group(2));
        if (problem != null) {
          wrong.add("docs/architecture.md:" + (i + 1) + ": " + problem);
        }
      }
    }

    assertThat(names).as("class names found in docs/architecture.md").isGreaterThan(30);
    assertThat(wrong).as("names in docs/architecture.md that the code does not have").isEmpty();
  }

  /** The types the Java sources declare (with the files that declare them) and import. */
  private record CodeNames(Map<String, List<String>> declared, Set<String> imported) {
    private static final Pattern DECLARATION =
        Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)");
    private static final Pattern IMPORT =
        Pattern.compile("^import\\s+(?:static\\s+)?[\\w.]+\\.([A-Z]\\w*);", Pattern.MULTILINE);

    static CodeNames of(List<Path> sources) {
      Map<String, List<String>> declared = new HashMap<>();
      Set<String> imported = new HashSet<>();
      for (Path source : sources) {
        String text = MarkdownLinks.read(source);
        Matcher d = DECLARATION.matcher(text);
        while (d.find()) {
          declared.computeIfAbsent(d.group(1), k -> new ArrayList<>()).add(text);
        }
        Matcher i = IMPORT.matcher(text);
        while (i.find()) {
          imported.add(i.group(1));
        }
      }
      return new CodeNames(declared, imported);
    }

    /** Null when {@code type} is declared or imported and has {@code method}, if one is given. */
    String problem(String type, String method) {
      List<String> declaring = declared.getOrDefault(type, List.of());
      if (declaring.isEmpty() && !imported.contains(type)) {
        return type + " is declared or imported nowhere in the code";
      }
      if (method == null) {
        return null;
      }
      Pattern call = Pattern.compile("\\b" + method + "\\s*\\(");
      if (declaring.stream().noneMatch(text -> call.matcher(text).find())) {
        return type + "." + method + ": no method " + method + " where " + type + " is declared";
      }
      return null;
    }
  }

  /** The repository's root, found from the working directory upwards. */
  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("docs/architecture.md"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no docs/architecture.md above " + Path.of("").toAbsolutePath());
  }
}

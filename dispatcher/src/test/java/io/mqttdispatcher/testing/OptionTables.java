package io.mqttdispatcher.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Compares a program's {@code --help} with the option tables of the docs: the Markdown table rows
 * that start with {@code | `--} in {@code README.md} and {@code docs/*.md}, wherever they live. A
 * table belongs to the program when most of the options it names are the program's; the options of
 * the help are the ones its usage message lists, their defaults the ones it shows.
 *
 * <p>A row's first cell names one option or several ({@code `--pid N` / `--process NAME`}); its
 * second cell is the default: a value in backticks is compared with the option's default ({@code
 * `100` / `1.2`} for two options), {@code required} means the option is required, {@code none} that
 * it has no default, {@code off} and {@code on} a flag's default; other words are not checked.
 */
public final class OptionTables {
  private static final Pattern ROW = Pattern.compile("^\\| `--.*");
  private static final Pattern SEPARATOR = Pattern.compile("^\\|\\s*:?-{3,}.*");
  private static final Pattern CELL_SPLIT = Pattern.compile("(?<!\\\\)\\|");
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  /** A help line that lists an option: {@code " -h, --help"} or {@code " --listen=HOST"}. */
  private static final Pattern HELP_OPTION =
      Pattern.compile("^\\s{2,}(?:-\\w, )?(--(?:\\[no-])?[\\w-]+)");

  private OptionTables() {}

  /** One table row: where it is, the options it names and its default cell. */
  public record Row(String where, List<String> options, String defaultCell) {}

  /**
   * Every option table under {@code root} (README.md, then docs/*.md by name): runs of rows that
   * start with {@code | `--}, header rows left out.
   */
  public static List<List<Row>> tables(Path root) {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> list = Files.list(docs)) {
        list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<List<Row>> tables = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Row> table = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        boolean header = i + 1 < lines.size() && SEPARATOR.matcher(lines.get(i + 1)).matches();
        if (ROW.matcher(line).matches() && !header) {
          table.add(row(root.relativize(file) + ":" + (i + 1), line));
        } else if (!table.isEmpty()) {
          tables.add(table);
          table = new ArrayList<>();
        }
      }
      if (!table.isEmpty()) {
        tables.add(table);
      }
    }
    return tables;
  }

  private static Row row(String where, String line) {
    String[] cells = CELL_SPLIT.split(line);
    // cells[0] is the empty text before the first '|'
    List<String> options = new ArrayList<>();
    Matcher code = CODE.matcher(cells[1]);
    while (code.find()) {
      String text = code.group(1).strip();
      if (text.startsWith("--")) {
        options.add(text.split("[ =]", 2)[0]);
      }
    }
    return new Row(where, options, cells.length > 2 ? cells[2].strip() : "");
  }

  /** The repository's root: the nearest directory up from here with a README.md and a pom.xml. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    Path root = null;
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md"))
          && Files.isRegularFile(d.resolve("pom.xml"))) {
        root = d;
      }
      if (Files.isDirectory(d.resolve(".git")) || Files.isRegularFile(d.resolve(".git"))) {
        break;
      }
    }
    if (root == null) {
      throw new IllegalStateException("no README.md with a pom.xml above " + dir);
    }
    return root;
  }

  /**
   * What differs between {@code command}'s {@code --help} and the option tables under {@code root},
   * one line each; empty when they agree.
   */
  public static List<String> differences(CommandLine command, Path root) {
    Map<String, OptionSpec> help = helpOptions(command);
    List<String> problems = new ArrayList<>();
    Set<String> documented = new LinkedHashSet<>();
    for (List<Row> table : tables(root)) {
      long ours =
          table.stream()
              .flatMap(r -> r.options().stream())
              .filter(o -> help.containsKey(plain(o)))
              .count();
      long named = table.stream().mapToLong(r -> r.options().size()).sum();
      if (ours * 2 <= named) {
        continue; // another program's table
      }
      for (Row row : table) {
        String[] defaults = row.defaultCell().split(" / ");
        for (int i = 0; i < row.options().size(); i++) {
          String name = plain(row.options().get(i));
          OptionSpec option = help.get(name);
          if (option == null) {
            problems.add(row.where() + ": " + name + " is documented but not in --help");
            continue;
          }
          documented.add(name);
          String stated = defaults.length == row.options().size() ? defaults[i] : row.defaultCell();
          String wrong = checkDefault(option, stated.strip());
          if (wrong != null) {
            problems.add(row.where() + ": " + name + " " + wrong);
          }
        }
      }
    }
    for (String name : help.keySet()) {
      if (!documented.contains(name)) {
        problems.add(name + " is in --help but in no option table of README.md or docs/*.md");
      }
    }
    return problems;
  }

  /**
   * The options {@code --help} lists (but {@code --help} and {@code --version}), by their long
   * name.
   */
  private static Map<String, OptionSpec> helpOptions(CommandLine command) {
    Set<String> listed = new LinkedHashSet<>();
    for (String line : command.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\R")) {
      Matcher m = HELP_OPTION.matcher(line);
      if (m.find()) {
        listed.add(plain(m.group(1)));
      }
    }
    Map<String, OptionSpec> options = new LinkedHashMap<>();
    for (OptionSpec o : command.getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp() || o.hidden()) {
        continue;
      }
      String name = o.longestName();
      if (!listed.contains(name)) {
        throw new AssertionError(name + " is an option but --help does not list it");
      }
      options.put(name, o);
    }
    return options;
  }

  /** Why {@code stated} is not {@code option}'s default, or null when it is or says nothing. */
  private static String checkDefault(OptionSpec option, String stated) {
    String actual = option.defaultValue();
    Matcher code = CODE.matcher(stated);
    if (stated.startsWith("`") && code.find()) {
      String value = code.group(1);
      return value.equals(actual)
          ? null
          : "has default " + actual + " in --help, `" + value + "` in the docs";
    }
    String word = stated.split("[ (]", 2)[0].toLowerCase(java.util.Locale.ROOT);
    return switch (word) {
      case "required" -> option.required() ? null : "is documented as required but is not";
      case "none" -> actual == null ? null : "has default " + actual + ", the docs say none";
      case "off" ->
          actual == null || actual.equals("false")
              ? null
              : "has default " + actual + ", the docs say off";
      case "on" -> "true".equals(actual) ? null : "has default " + actual + ", the docs say on";
      default -> null;
    };
  }

  /** {@code --[no-]sys-topics} is {@code --sys-topics}. */
  private static String plain(String name) {
    return name.replace("[no-]", "");
  }
}

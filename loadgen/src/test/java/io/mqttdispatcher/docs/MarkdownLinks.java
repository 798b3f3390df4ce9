package io.mqttdispatcher.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files, and whether each resolves: its file exists, and its {@code
 * #anchor} is a heading of the target file by GitHub's rules. Links to other sites ({@code http:},
 * {@code https:}, {@code mailto:}, any scheme) are not checked; neither is text inside code blocks
 * or code spans. Headings are ATX headings ({@code # Title}), the only kind this repository writes.
 */
final class MarkdownLinks {
  /** An inline link or image, from its {@code ](} on: the text may start on an earlier line. */
  private static final Pattern INLINE =
      Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");

  /** A reference definition: {@code [name]: target}. */
  private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)");

  private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
  private static final Pattern CLOSING_HASHES = Pattern.compile("(?:^|[ \\t]+)#+$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING_LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\([^)]*\\)");
  private static final Pattern HTML_TAG = Pattern.compile("<[^>]+>");
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules", ".git");

  /** What GitHub drops from a heading's text when it makes the anchor. */
  private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{Nd}\\p{Pc} -]");

  /** One link: where it is written and where it points. */
  record Link(Path file, int line, String target) {}

  /** A link that does not resolve, and why. */
  record Broken(Link link, String why) {
    /** {@code file:line: target: why}, with the file relative to {@code root}. */
    String describe(Path root) {
      return root.relativize(link.file()) + ":" + link.line() + ": " + link.target() + ": " + why;
    }
  }

  private MarkdownLinks() {}

  /**
   * Every Markdown file under {@code root}, outside build output ({@code target/}), installed
   * packages ({@code node_modules/}) and Git's own folder, sorted.
   */
  static List<Path> markdownFiles(Path root) {
    return sourceFiles(root, ".md");
  }

  /**
   * Every file under {@code root} whose name ends with {@code suffix}, outside build output,
   * installed packages and Git's own folder (which are not walked at all), sorted.
   */
  static List<Path> sourceFiles(Path root, String suffix) {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
              return !dir.equals(root) && SKIPPED_DIRECTORIES.contains(name)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && file.getFileName().toString().endsWith(suffix)) {
                found.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    found.sort(null);
    return found;
  }

  /** The links of one file whose text is {@code text}, in order. */
  static List<Link> links(Path file, String text) {
    List<Link> links = new ArrayList<>();
    String[] lines = outsideCodeBlocks(text);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] == null) {
        continue;
      }
      String prose = CODE_SPAN.matcher(lines[i]).replaceAll(m -> " ".repeat(m.group().length()));
      Matcher ref = REFERENCE.matcher(prose);
      if (ref.find()) {
        links.add(new Link(file, i + 1, ref.group(1)));
        continue;
      }
      Matcher inline = INLINE.matcher(prose);
      while (inline.find()) {
        links.add(new Link(file, i + 1, inline.group(1)));
      }
    }
    return links;
  }

  /** The anchors GitHub gives the headings of {@code text}: slugs, repeats numbered -1, -2, ... */
  static Set<String> anchors(String text) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : outsideCodeBlocks(text)) {
      Matcher h = line == null ? null : ATX.matcher(line);
      if (h != null && h.matches()) {
        String title =
            h.group(2) == null ? "" : CLOSING_HASHES.matcher(h.group(2)).replaceFirst("");
        anchors.add(unique(slug(title), seen));
      }
    }
    return anchors;
  }

  /** The lines of {@code text}, with null for each line of a fenced code block and its fences. */
  private static String[] outsideCodeBlocks(String text) {
    String[] lines = text.split("\n", -1);
    String fence = null;
    for (int i = 0; i < lines.length; i++) {
      Matcher f = FENCE.matcher(lines[i]);
      boolean isFence = f.find();
      if (fence == null && isFence) {
        fence = f.group(1);
      } else if (fence != null
          && isFence
          && f.group(1).charAt(0) == fence.charAt(0)
          && f.group(1).length() >= fence.length()) {
        fence = null;
      } else if (fence == null) {
        continue;
      }
      lines[i] = null;
    }
    return lines;
  }

  /** github-slugger's rule for repeats: the first keeps its slug, the next get -1, -2, ... */
  private static String unique(String slug, Map<String, Integer> seen) {
    String result = slug;
    while (seen.containsKey(result)) {
      int n = seen.merge(slug, 1, Integer::sum);
      result = slug + "-" + n;
    }
    seen.put(result, 0);
    return result;
  }

  /**
   * GitHub's anchor for a heading: its text without markup (code span backticks, link targets, HTML
   * tags), lower case, punctuation other than {@code -} and {@code _} removed, each space a {@code
   * -}.
   */
  static String slug(String heading) {
    String text = HEADING_LINK.matcher(heading).replaceAll("$1");
    text = HTML_TAG.matcher(text).replaceAll("");
    text = text.strip().toLowerCase(Locale.ROOT);
    return NOT_IN_SLUG.matcher(text).replaceAll("").replace(' ', '-');
  }

  /** Every link of {@code files} that does not resolve; files outside {@code root} count too. */
  static List<Broken> check(Path root, List<Path> files) {
    List<Broken> broken = new ArrayList<>();
    Map<Path, Set<String>> anchorsByFile = new HashMap<>();
    for (Path file : files) {
      for (Link link : links(file, read(file))) {
        String why = problem(root, link, anchorsByFile);
        if (why != null) {
          broken.add(new Broken(link, why));
        }
      }
    }
    return broken;
  }

  private static String problem(Path root, Link link, Map<Path, Set<String>> anchorsByFile) {
    String target = link.target();
    if (target.isEmpty()) {
      return "empty link";
    }
    if (SCHEME.matcher(target).find()) {
      return null; // another site, or mail: not ours to check
    }
    int hash = target.indexOf('#');
    String path = decode(hash < 0 ? target : target.substring(0, hash));
    String anchor = hash < 0 ? null : decode(target.substring(hash + 1));
    Path base = path.startsWith("/") ? root : link.file().getParent();
    Path file =
        path.isEmpty() ? link.file() : base.resolve(path.replaceFirst("^/+", "")).normalize();
    if (!file.startsWith(root)) {
      return "points outside the repository";
    }
    if (!Files.exists(file)) {
      return "no such file " + root.relativize(file);
    }
    if (anchor == null || !file.getFileName().toString().endsWith(".md")) {
      return null; // anchors in other files (#L12 in code) are GitHub's, not headings
    }
    Set<String> anchors = anchorsByFile.computeIfAbsent(file, f -> anchors(read(f)));
    if (!anchors.contains(anchor)) {
      return "no heading with anchor #" + anchor + " in " + root.relativize(file);
    }
    return null;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}

package io.mqttdispatcher.probe.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text exposition format (version 0.0.4, and the OpenMetrics lines it shares)
 * for a few wanted metric names, and sums each name over its series (label sets). Everything else
 * in the body is checked for shape but not kept, so the cost is bounded by the body's size, which
 * the caller bounds.
 *
 * <p>What must never become a number: a body that is not UTF-8 or does not end with a newline
 * (binary, or cut off, possibly in the middle of a value) is rejected whole; a wanted name with a
 * NaN or infinite value, a negative value, the same series twice, or more than {@link #MAX_SERIES}
 * series is reported as unusable, so that figure is left out rather than guessed.
 */
public final class PrometheusText {
  /** Series kept per wanted name; beyond this the name is unusable (a hostile endpoint). */
  static final int MAX_SERIES = 1_000;

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+(?:\\.[0-9]*)?");

  private PrometheusText() {}

  /**
   * Parses {@code body} keeping only {@code wanted} names.
   *
   * @throws MalformedExpositionException when the body as a whole cannot be trusted
   */
  public static Exposition parse(byte[] body, Set<String> wanted)
      throws MalformedExpositionException {
    String text = utf8(body);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new MalformedExpositionException(
          "the body does not end with a newline: cut off (its last line may hold half a number)");
    }
    Map<String, Double> sums = new HashMap<>();
    Map<String, Set<String>> series = new HashMap<>();
    Map<String, String> unusable = new HashMap<>();
    int lineNumber = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      String line = text.substring(start, end);
      start = end + 1;
      lineNumber++;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank() || line.charAt(0) == '#') {
        continue;
      }
      Sample sample = sample(line, lineNumber);
      if (!wanted.contains(sample.name()) || unusable.containsKey(sample.name())) {
        continue;
      }
      String problem = problem(sample, series.computeIfAbsent(sample.name(), n -> new HashSet<>()));
      if (problem != null) {
        unusable.put(sample.name(), problem);
        sums.remove(sample.name());
        continue;
      }
      sums.merge(sample.name(), sample.value(), Double::sum);
    }
    return new Exposition(sums, unusable);
  }

  private static @org.jspecify.annotations.Nullable String problem(
      Sample sample, Set<String> seen) {
    if (Double.isNaN(sample.value()) || Double.isInfinite(sample.value())) {
      return "value " + sample.value() + " in series " + sample.labels();
    }
    if (sample.value() < 0) {
      return "negative value " + sample.value() + " in series " + sample.labels();
    }
    if (!seen.add(sample.labels())) {
      return "series " + sample.labels() + " appears twice";
    }
    if (seen.size() > MAX_SERIES) {
      return "more than " + MAX_SERIES + " series";
    }
    return null;
  }

  private static String utf8(byte[] body) throws MalformedExpositionException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedExpositionException("the body is not UTF-8 text (binary?)");
    }
  }

  /** One sample line: {@code name[{labels}] value [timestamp]}. */
  private static Sample sample(String line, int lineNumber) throws MalformedExpositionException {
    int i = 0;
    int n = line.length();
    while (i < n && nameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      throw malformed(lineNumber, "does not start with a metric name");
    }
    String name = line.substring(0, i);
    String labels = "";
    if (i < n && line.charAt(i) == '{') {
      int close = labelsEnd(line, i + 1, lineNumber);
      labels = canonicalLabels(line.substring(i + 1, close), lineNumber);
      i = close + 1;
    }
    String[] rest = line.substring(i).trim().split("[ \t]+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      throw malformed(lineNumber, "'" + name + "' needs one value and at most a timestamp");
    }
    if (rest.length == 2 && !TIMESTAMP.matcher(rest[1]).matches()) {
      throw malformed(lineNumber, "'" + rest[1] + "' is not a timestamp");
    }
    return new Sample(name, labels, value(rest[0], lineNumber));
  }

  private static double value(String text, int lineNumber) throws MalformedExpositionException {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        // Double.parseDouble takes more than the format allows (hex, "Infinity", a trailing 'd').
        if (!NUMBER.matcher(text).matches()) {
          throw malformed(lineNumber, "'" + abbreviate(text) + "' is not a number");
        }
        return Double.parseDouble(text);
    }
  }

  /** The index of the '}' that closes the labels starting at {@code from}, skipping quoted text. */
  private static int labelsEnd(String line, int from, int lineNumber)
      throws MalformedExpositionException {
    boolean quoted = false;
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '}') {
        return i;
      }
    }
    throw malformed(lineNumber, "labels are not closed");
  }

  /** The labels sorted by name, so that the same series written in another order is the same. */
  private static String canonicalLabels(String labels, int lineNumber)
      throws MalformedExpositionException {
    List<String> pairs = new ArrayList<>();
    int i = 0;
    int n = labels.length();
    while (i < n) {
      while (i < n && (labels.charAt(i) == ' ' || labels.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int eq = labels.indexOf('=', i);
      if (eq < 0 || eq + 1 >= n || labels.charAt(eq + 1) != '"') {
        throw malformed(lineNumber, "a label is not name=\"value\"");
      }
      String labelName = labels.substring(i, eq).trim();
      if (labelName.isEmpty()) {
        throw malformed(lineNumber, "a label has no name");
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < n && labels.charAt(j) != '"'; j++) {
        char c = labels.charAt(j);
        if (c == '\\' && j + 1 < n) {
          j++;
          value.append(labels.charAt(j) == 'n' ? '\n' : labels.charAt(j));
        } else {
          value.append(c);
        }
      }
      if (j >= n) {
        throw malformed(lineNumber, "a label value is not closed");
      }
      pairs.add(labelName + "=" + value);
      i = j + 1;
    }
    Collections.sort(pairs);
    return "{" + String.join(",", pairs) + "}";
  }

  private static boolean nameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || c == ':'
        || (!first && c >= '0' && c <= '9');
  }

  private static MalformedExpositionException malformed(int lineNumber, String what) {
    return new MalformedExpositionException("line " + lineNumber + " " + what);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private record Sample(String name, String labels, double value) {}

  /** Not Prometheus text we can trust, as a whole. */
  public static final class MalformedExpositionException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedExpositionException(String message) {
      super(message);
    }
  }
}

package io.mqttdispatcher.loadgen.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mqttdispatcher.cli.DurationConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads scenario files, YAML or JSON (JSON is YAML too), documented in {@code docs/scenarios.md}:
 *
 * <pre>
 * name: my-run
 * spacing: 5s          # time between two arrivals
 * order: random        # random (shuffled with --seed) or fixed (file order)
 * groups:
 *   - {name: normal, count: 9, rate: 2000, payloadBytes: 600, qos: 0, duration: 100s}
 *   - {name: heavy,  count: 1, rate: 10000, payloadBytes: 600, qos: 0, duration: 100s}
 * </pre>
 *
 * Unknown fields are errors, so a misspelt field cannot silently fall back to a default.
 */
public final class ScenarioFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SCENARIO_FIELDS = Set.of("name", "spacing", "order", "groups");
  private static final Set<String> GROUP_FIELDS =
      Set.of("name", "count", "rate", "payloadBytes", "qos", "duration");

  private ScenarioFiles() {}

  /** A preset name ({@link Presets#NAMES}) or a path to a scenario file. */
  public static Scenario resolve(String presetOrFile) {
    return Presets.byName(presetOrFile).orElseGet(() -> load(Path.of(presetOrFile)));
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the field when it cannot be read or is
   *     invalid
   */
  public static Scenario load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "scenario '"
              + file
              + "' is neither a preset ("
              + String.join(", ", Presets.NAMES)
              + ") nor a readable file");
    }
    try {
      return parse(
          Files.readString(file), file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scenario " + file + ": " + e.getMessage());
    }
  }

  /** Parses scenario text; {@code defaultName} is used when it has no {@code name}. */
  public static Scenario parse(String text, String defaultName) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not YAML or JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a mapping with 'groups'");
    }
    rejectUnknown(root, SCENARIO_FIELDS, "scenario");
    String name = root.hasNonNull("name") ? root.get("name").asText() : defaultName;
    Duration spacing = duration(root, "spacing", "scenario");
    ArrivalOrder order = order(root.path("order").asText("random"));
    JsonNode groupsNode = root.path("groups");
    if (!groupsNode.isArray() || groupsNode.isEmpty()) {
      throw new IllegalArgumentException("'groups' must be a non-empty list");
    }
    List<PublisherGroup> groups = new ArrayList<>();
    for (JsonNode g : groupsNode) {
      groups.add(group(g, groups.size() + 1));
    }
    return new Scenario(name, groups, spacing, order);
  }

  private static PublisherGroup group(JsonNode g, int position) {
    String where = "group " + position;
    if (!g.isObject()) {
      throw new IllegalArgumentException(where + " must be a mapping");
    }
    rejectUnknown(g, GROUP_FIELDS, where);
    String name = g.hasNonNull("name") ? g.get("name").asText() : "g" + position;
    return new PublisherGroup(
        name,
        integer(g, "count", where, null),
        number(g, "rate", where),
        integer(g, "payloadBytes", where, null),
        integer(g, "qos", where, 0),
        duration(g, "duration", where));
  }

  private static void rejectUnknown(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw new IllegalArgumentException(
            where
                + ": unknown field '"
                + field
                + "' (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static int integer(
      JsonNode node, String field, String where, @Nullable Integer fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw new IllegalArgumentException(where + ": '" + field + "' is required");
      }
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where + ": '" + field + "' must be a whole number, got '" + v.asText() + "'");
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(
          where + ": '" + field + "' is required and must be a number");
    }
    return v.doubleValue();
  }

  private static Duration duration(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(where + ": '" + field + "' is required, e.g. 5s");
    }
    try {
      return DurationConverter.parse(v.asText());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": '" + field + "': " + e.getMessage());
    }
  }

  private static ArrivalOrder order(String text) {
    try {
      return ArrivalOrder.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'order' must be random or fixed, got '" + text + "'");
    }
  }
}

package io.mqttdispatcher.dispatcher.routing;

import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a routing file (YAML, described in {@code docs/routing.md}) into a {@link RoutingTable}.
 * Every mistake is reported with the line it is on; nothing is half-loaded. The YAML is composed
 * into nodes only (no objects are constructed from tags), so a file cannot make the dispatcher
 * instantiate anything.
 */
public final class RoutingFile {
  /** Largest routing file read, in bytes. */
  public static final int MAX_BYTES = 1 << 20;

  private static final Set<String> TOP = Set.of("default", "refuse", "rules");
  private static final Set<String> RULE = Set.of("name", "match", "group", "hash");
  private static final Set<String> MATCH =
      Set.of("clientId", "username", "transport", "source", "userProperties");
  private static final Set<String> TEXT = Set.of("equals", "prefix", "regex");

  private final String source;

  private RoutingFile(String source) {
    this.source = source;
  }

  /** Reads and validates {@code file}. */
  public static RoutingTable load(Path file) throws RoutingFileException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new RoutingFileException(file.toString(), 0, "larger than " + MAX_BYTES + " bytes");
      }
      return parse(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new RoutingFileException(file.toString(), 0, "cannot be read: " + e);
    }
  }

  /** Validates the bytes of a routing file; {@code source} names it in errors. */
  public static RoutingTable parse(String source, byte[] content) throws RoutingFileException {
    if (content.length > MAX_BYTES) {
      throw new RoutingFileException(source, 0, "larger than " + MAX_BYTES + " bytes");
    }
    try {
      return parse(
          source, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString());
    } catch (CharacterCodingException e) {
      throw new RoutingFileException(source, 0, "is not UTF-8 text");
    }
  }

  /** Parses routing YAML; {@code source} names it in errors. */
  public static RoutingTable parse(String source, String yaml) throws RoutingFileException {
    return new RoutingFile(source).table(compose(source, yaml));
  }

  private static Node compose(String source, String yaml) throws RoutingFileException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(MAX_BYTES);
    try {
      Node root = new Yaml(options).compose(new StringReader(yaml));
      if (root == null) {
        throw new RoutingFileException(
            source, 0, "is empty: it needs 'rules' or a 'default' group");
      }
      return root;
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new RoutingFileException(source, line, "not valid YAML: " + problem);
    } catch (YAMLException e) {
      throw new RoutingFileException(source, 0, "not valid YAML: " + e.getMessage());
    }
  }

  private RoutingTable table(Node root) throws RoutingFileException {
    Map<String, NodeTuple> top = mapping(root, TOP, "the file");
    String defaultGroup =
        top.containsKey("default") ? groupName(top.get("default").getValueNode()) : null;
    RefuseCode refuse = RefuseCode.NOT_AUTHORIZED;
    if (top.containsKey("refuse")) {
      Node n = top.get("refuse").getValueNode();
      if (defaultGroup != null) {
        throw error(
            n,
            "'refuse' has no effect with a 'default' group: every device gets a group; remove one of them");
      }
      try {
        refuse = RefuseCode.parse(scalar(n, "refuse"));
      } catch (IllegalArgumentException e) {
        throw error(n, Objects.requireNonNullElse(e.getMessage(), e.toString()));
      }
    }
    List<Rule> rules = new ArrayList<>();
    if (top.containsKey("rules")) {
      Node list = top.get("rules").getValueNode();
      if (!(list instanceof SequenceNode seq)) {
        throw error(list, "'rules' must be a list of rules, each starting with '- '");
      }
      Set<String> names = new HashSet<>();
      for (Node item : seq.getValue()) {
        Rule r = rule(item, rules.size() + 1);
        if (!names.add(r.name())) {
          throw error(
              item, "a rule named '" + r.name() + "' already exists: rule names must be unique");
        }
        rules.add(r);
      }
    }
    if (rules.isEmpty() && defaultGroup == null) {
      throw new RoutingFileException(
          source, line(root), "has no rules and no 'default' group: every device would be refused");
    }
    return new RoutingTable(rules, defaultGroup, refuse);
  }

  private Rule rule(Node node, int index) throws RoutingFileException {
    Map<String, NodeTuple> fields = mapping(node, RULE, "a rule");
    String name =
        fields.containsKey("name")
            ? scalar(fields.get("name").getValueNode(), "name")
            : "rule " + index;
    if (name.isBlank()) {
      throw error(
          Objects.requireNonNull(fields.get("name")).getValueNode(), "'name' must not be empty");
    }
    Conditions conditions =
        fields.containsKey("match")
            ? conditions(fields.get("match").getValueNode())
            : Conditions.ANY;
    boolean group = fields.containsKey("group");
    boolean hash = fields.containsKey("hash");
    if (group == hash) {
      throw error(
          node,
          "rule '"
              + name
              + "' needs exactly one of 'group: NAME' or 'hash: [GROUP, ...]' (or 'hash: all')");
    }
    if (group) {
      return Rule.toGroup(
          name,
          line(node),
          conditions,
          groupName(Objects.requireNonNull(fields.get("group")).getValueNode()));
    }
    Node h = Objects.requireNonNull(fields.get("hash")).getValueNode();
    if (h instanceof ScalarNode s && s.getValue().equals("all")) {
      return Rule.hash(name, line(node), conditions, List.of());
    }
    if (!(h instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      throw error(h, "'hash' must be 'all' or a list of groups, e.g. hash: [eu-1, eu-2]");
    }
    List<String> groups = new ArrayList<>();
    for (Node g : seq.getValue()) {
      String n = groupName(g);
      if (groups.contains(n)) {
        throw error(g, "group '" + n + "' is listed twice");
      }
      groups.add(n);
    }
    if (groups.size() > RoutingTable.MAX_HASH_GROUPS) {
      throw error(h, "a hash rule may name at most " + RoutingTable.MAX_HASH_GROUPS + " groups");
    }
    return Rule.hash(name, line(node), conditions, groups);
  }

  private Conditions conditions(Node node) throws RoutingFileException {
    Map<String, NodeTuple> fields = mapping(node, MATCH, "'match'");
    TextMatch clientId =
        fields.containsKey("clientId")
            ? text(fields.get("clientId").getValueNode(), "clientId")
            : null;
    TextMatch username =
        fields.containsKey("username")
            ? text(fields.get("username").getValueNode(), "username")
            : null;
    Set<Transport> transports = EnumSet.noneOf(Transport.class);
    if (fields.containsKey("transport")) {
      for (Node t : scalarOrList(fields.get("transport").getValueNode(), "transport")) {
        String v = scalar(t, "transport");
        transports.add(
            Transport.fromWireName(v)
                .orElseThrow(
                    () -> error(t, "'" + v + "' is not a transport: use mqtt, mqtts, ws or wss")));
      }
    }
    List<Cidr> sources = new ArrayList<>();
    if (fields.containsKey("source")) {
      for (Node c : scalarOrList(fields.get("source").getValueNode(), "source")) {
        try {
          sources.add(Cidr.parse(scalar(c, "source")));
        } catch (IllegalArgumentException e) {
          throw error(c, "source " + e.getMessage());
        }
      }
    }
    Map<String, TextMatch> properties = new LinkedHashMap<>();
    if (fields.containsKey("userProperties")) {
      Node p = fields.get("userProperties").getValueNode();
      if (!(p instanceof MappingNode map)) {
        throw error(
            p,
            "'userProperties' must map property names to values, e.g. userProperties: {tenant: acme}");
      }
      for (NodeTuple t : map.getValue()) {
        String key = scalar(t.getKeyNode(), "a user property name");
        properties.put(key, text(t.getValueNode(), "user property '" + key + "'"));
      }
    }
    return new Conditions(clientId, username, transports, sources, properties);
  }

  /** A text test: a plain value (equals), or one of {@code {equals|prefix|regex: ...}}. */
  private TextMatch text(Node node, String what) throws RoutingFileException {
    if (node instanceof ScalarNode s) {
      return new TextMatch.Equals(s.getValue());
    }
    Map<String, NodeTuple> fields = mapping(node, TEXT, "'" + what + "'");
    if (fields.size() != 1) {
      throw error(node, "'" + what + "' needs exactly one of equals, prefix or regex");
    }
    NodeTuple t = fields.values().iterator().next();
    String kind = ((ScalarNode) t.getKeyNode()).getValue();
    String value = scalar(t.getValueNode(), what + " " + kind);
    return switch (kind) {
      case "equals" -> new TextMatch.Equals(value);
      case "prefix" -> {
        if (value.isEmpty()) {
          throw error(
              t.getValueNode(),
              "an empty prefix matches everything: leave '" + what + "' out instead");
        }
        yield new TextMatch.Prefix(value);
      }
      default -> {
        try {
          yield new TextMatch.Regex(Pattern.compile(value));
        } catch (PatternSyntaxException e) {
          throw error(
              t.getValueNode(),
              "'"
                  + what
                  + "' regex is not valid: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex());
        }
      }
    };
  }

  private String groupName(Node node) throws RoutingFileException {
    String name = scalar(node, "group");
    if (!BrokerGroup.validName(name)) {
      throw error(
          node, "'" + name + "' is not a group name: 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  private Map<String, NodeTuple> mapping(Node node, Set<String> allowed, String what)
      throws RoutingFileException {
    if (!(node instanceof MappingNode map)) {
      throw error(node, what + " must be a mapping of " + String.join(", ", sorted(allowed)));
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String key = scalar(t.getKeyNode(), "a key");
      if (!allowed.contains(key)) {
        throw error(
            t.getKeyNode(),
            "unknown key '"
                + key
                + "' in "
                + what
                + ": expected "
                + String.join(", ", sorted(allowed)));
      }
      if (fields.put(key, t) != null) {
        throw error(t.getKeyNode(), "key '" + key + "' appears twice in " + what);
      }
    }
    return fields;
  }

  private List<Node> scalarOrList(Node node, String what) throws RoutingFileException {
    if (node instanceof ScalarNode) {
      return List.of(node);
    }
    if (node instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
      return seq.getValue();
    }
    throw error(node, "'" + what + "' must be a value or a non-empty list of values");
  }

  private String scalar(Node node, String what) throws RoutingFileException {
    if (!(node instanceof ScalarNode s)) {
      throw error(node, what + " must be a single value");
    }
    return s.getValue();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static int line(@Nullable Node node) {
    return node == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private RoutingFileException error(Node node, String problem) {
    return new RoutingFileException(source, line(node), problem);
  }
}

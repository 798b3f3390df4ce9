package io.mqttdispatcher.dispatcher.routing;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One routing rule: when its conditions hold, the device goes to {@link #group} or, for a hash
 * rule, to the group that rendezvous hashing of its client id picks from {@link #hashGroups} (every
 * group with a usable broker when {@link #hashAll}). Counts its hits.
 */
public final class Rule {
  private final String name;
  private final int line;
  private final Conditions conditions;
  private final @Nullable String group;
  private final List<String> hashGroups;
  private final boolean hashAll;
  private final LongAdder hits = new LongAdder();

  private Rule(
      String name,
      int line,
      Conditions conditions,
      @Nullable String group,
      List<String> hashGroups,
      boolean hashAll) {
    this.name = Objects.requireNonNull(name, "name");
    this.line = line;
    this.conditions = Objects.requireNonNull(conditions, "conditions");
    this.group = group;
    this.hashGroups = List.copyOf(hashGroups);
    this.hashAll = hashAll;
  }

  /** A rule that sends matching devices to {@code group}. */
  public static Rule toGroup(String name, int line, Conditions conditions, String group) {
    return new Rule(
        name, line, conditions, Objects.requireNonNull(group, "group"), List.of(), false);
  }

  /**
   * A rule that hashes matching devices over {@code groups}, or over every usable group when it is
   * empty.
   */
  public static Rule hash(String name, int line, Conditions conditions, List<String> groups) {
    return new Rule(name, line, conditions, null, groups, groups.isEmpty());
  }

  public String name() {
    return name;
  }

  /** Line of the rule in the routing file (1-based). */
  public int line() {
    return line;
  }

  public Conditions conditions() {
    return conditions;
  }

  /** The group of a plain rule, or null for a hash rule. */
  public @Nullable String group() {
    return group;
  }

  /** The groups a hash rule hashes over; empty for a plain rule or one over every group. */
  public List<String> hashGroups() {
    return hashGroups;
  }

  /** Whether this is a hash rule over every group with a usable broker. */
  public boolean hashAll() {
    return hashAll;
  }

  public boolean isHash() {
    return group == null;
  }

  /** Devices this rule has routed since the rules were loaded. */
  public long hits() {
    return hits.sum();
  }

  void hit() {
    hits.increment();
  }

  /**
   * The target as written: {@code group tenant-a}, {@code hash over a, b}, {@code hash over every
   * group}.
   */
  public String describeTarget() {
    if (group != null) {
      return "group " + group;
    }
    return hashAll ? "hash over every group" : "hash over " + String.join(", ", hashGroups);
  }
}

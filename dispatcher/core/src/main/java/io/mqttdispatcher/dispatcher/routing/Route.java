package io.mqttdispatcher.dispatcher.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where the rules send a device: a group and the rule that chose it (null for the file's default),
 * every broker as one pool (no routing file), or a refusal with its reason.
 *
 * @param group the group, or null when the device is refused or may go to any group
 * @param rule the rule that matched, or null when none did
 * @param reason why, in a few words (the CONNACK's Reason String when refused)
 * @param anyGroup whether the device may go to a broker of any group (no routing file)
 */
public record Route(@Nullable String group, @Nullable Rule rule, String reason, boolean anyGroup) {

  /** The route of every device when there is no routing file: every broker is one pool. */
  public static final Route ONE_POOL =
      new Route(null, null, "no routing file: every broker is one pool", true);

  /** A route to {@code group}, or a refusal when it is null. */
  public Route(@Nullable String group, @Nullable Rule rule, String reason) {
    this(group, rule, reason, false);
  }

  /** Whether the device is refused. */
  public boolean refused() {
    return group == null && !anyGroup;
  }

  /**
   * The rule's name, {@code default} for the file's default, or null when refused without a rule or
   * when there are no rules.
   */
  public @Nullable String ruleName() {
    if (rule != null) {
      return rule.name();
    }
    return group != null ? "default" : null;
  }
}

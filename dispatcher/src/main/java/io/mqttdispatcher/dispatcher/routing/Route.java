package io.mqttdispatcher.dispatcher.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where the rules send a device: a group and the rule that chose it (null for the file's default),
 * or a refusal with its reason.
 *
 * @param group the group, or null when the device is refused
 * @param rule the rule that matched, or null when none did
 * @param reason why, in a few words (the CONNACK's Reason String when refused)
 */
public record Route(@Nullable String group, @Nullable Rule rule, String reason) {

  /** Whether the device is refused. */
  public boolean refused() {
    return group == null;
  }

  /**
   * The rule's name, {@code default} for the file's default, or null when refused without a rule.
   */
  public @Nullable String ruleName() {
    if (rule != null) {
      return rule.name();
    }
    return group != null ? "default" : null;
  }
}

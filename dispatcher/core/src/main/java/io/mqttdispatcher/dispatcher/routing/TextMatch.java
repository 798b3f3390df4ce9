package io.mqttdispatcher.dispatcher.routing;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A test on one text field of a CONNECT: equal to, starts with, or matches a regular expression.
 */
public sealed interface TextMatch {

  /** Whether {@code value} passes; an absent value never does. */
  boolean test(@Nullable String value);

  /** The test as written in the routing file, for the admin API. */
  String describe();

  /** The whole value equals {@code text}. */
  record Equals(String text) implements TextMatch {
    @Override
    public boolean test(@Nullable String value) {
      return text.equals(value);
    }

    @Override
    public String describe() {
      return "= '" + text + "'";
    }
  }

  /** The value starts with {@code prefix}. */
  record Prefix(String prefix) implements TextMatch {
    @Override
    public boolean test(@Nullable String value) {
      return value != null && value.startsWith(prefix);
    }

    @Override
    public String describe() {
      return "prefix '" + prefix + "'";
    }
  }

  /** The whole value matches {@code pattern} ({@link java.util.regex.Matcher#matches()}). */
  record Regex(Pattern pattern) implements TextMatch {
    @Override
    public boolean test(@Nullable String value) {
      return value != null && pattern.matcher(value).matches();
    }

    @Override
    public String describe() {
      return "regex '" + pattern.pattern() + "'";
    }
  }
}

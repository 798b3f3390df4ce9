package io.mqttdispatcher.dispatcher.admin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one percent-encoded path segment ({@code %2F} and the like; {@code +} stays a plus, as in
 * paths).
 */
final class PathSegments {
  private PathSegments() {}

  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    int i = 0;
    while (i < segment.length()) {
      int next = segment.indexOf('%', i);
      if (next < 0) {
        next = segment.length();
      }
      out.writeBytes(segment.substring(i, next).getBytes(StandardCharsets.UTF_8));
      i = next;
      if (i < segment.length()) {
        if (i + 2 < segment.length()
            && hex(segment.charAt(i + 1)) >= 0
            && hex(segment.charAt(i + 2)) >= 0) {
          out.write(hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
          i += 3;
        } else {
          out.write('%'); // a lone percent sign stands for itself
          i++;
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}

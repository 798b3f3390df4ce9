package io.mqttdispatcher.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a shared secret from a file. The secret itself never appears in an exception message. */
public final class SecretFile {
  private SecretFile() {}

  /**
   * The file's bytes with trailing line breaks removed.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, empty or blank
   */
  public static byte[] read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("secret file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read secret file " + file + ": " + e.getMessage());
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("secret file " + file + " is empty");
    }
    if (new String(bytes, 0, end, StandardCharsets.UTF_8).isBlank()) {
      throw new IllegalArgumentException(
          "secret file "
              + file
              + " holds only spaces: write a real secret, e.g. openssl rand -hex 32");
    }
    return Arrays.copyOf(bytes, end);
  }

  /** Same as {@link #read}, as text. */
  public static String readString(Path file) {
    return new String(read(file), StandardCharsets.UTF_8);
  }
}

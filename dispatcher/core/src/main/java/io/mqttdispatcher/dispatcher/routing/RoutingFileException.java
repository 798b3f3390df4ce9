package io.mqttdispatcher.dispatcher.routing;

/** A routing file that cannot be used, with the line that is wrong (0 when the whole file is). */
public final class RoutingFileException extends Exception {
  private final int line;

  public RoutingFileException(String source, int line, String problem) {
    super(source + (line > 0 ? " line " + line : "") + ": " + problem);
    this.line = line;
  }

  /** The 1-based line of the problem, or 0 when it concerns the whole file. */
  public int line() {
    return line;
  }
}

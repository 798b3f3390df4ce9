package io.mqttdispatcher.loadgen;

/** Entry point of the load generator. */
public final class LoadgenMain {
  private LoadgenMain() {}

  public static void main(String[] args) {
    System.err.println("usage: loadgen (not yet implemented)");
    System.exit(2);
  }
}

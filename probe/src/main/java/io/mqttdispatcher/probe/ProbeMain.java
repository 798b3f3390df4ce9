package io.mqttdispatcher.probe;

/** Entry point of the probe. */
public final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    System.err.println("usage: probe (not yet implemented)");
    System.exit(2);
  }
}

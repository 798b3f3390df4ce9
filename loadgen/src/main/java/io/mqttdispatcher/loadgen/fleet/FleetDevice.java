package io.mqttdispatcher.loadgen.fleet;

/** One idle device of a fleet: connects, stays connected, finds a broker again after a loss. */
interface FleetDevice extends AutoCloseable {
  /** The number of reconnect attempts after a loss before a device gives up: in practice, never. */
  int RECONNECT_ATTEMPTS = 1000;

  /**
   * Connects for the first time. May block for one connect timeout per hop; on failure it keeps
   * trying with backoff by itself.
   */
  void start();

  /** Disconnects and stops reconnecting. */
  @Override
  void close();
}

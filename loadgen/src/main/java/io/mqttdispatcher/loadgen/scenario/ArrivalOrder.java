package io.mqttdispatcher.loadgen.scenario;

/** In which order publishers arrive. */
public enum ArrivalOrder {
  /** Shuffled with the run's seed, as the paper did. */
  RANDOM,
  /** Groups in file order, publishers of a group one after another. */
  FIXED
}

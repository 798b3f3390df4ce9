package io.mqttdispatcher.probe.sample;

/**
 * Takes one {@link LoadSample} per call: the load since the previous call. Called from one thread,
 * once per interval.
 */
public interface LoadSampler {
  LoadSample sample();

  /** What is sampled, for the log: "host" or "process 1234 (mosquitto)". */
  String describe();
}

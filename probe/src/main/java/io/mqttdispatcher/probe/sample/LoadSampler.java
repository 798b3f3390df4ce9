package io.mqttdispatcher.probe.sample;

/**
 * Takes one {@link LoadSample} per call: the load since the previous call. Called from one thread,
 * once per interval.
 */
public interface LoadSampler {
  LoadSample sample();

  /** What is sampled, for the log: "process 1234, CPU as utilisation of 1 of 8 cores". */
  String describe();
}

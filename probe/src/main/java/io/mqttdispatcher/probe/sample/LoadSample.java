package io.mqttdispatcher.probe.sample;

/**
 * CPU and memory over one sampling interval.
 *
 * @param cpu CPU use, 0..1 of the cores the broker can use (utilisation)
 * @param mem memory use, 0..1 of the machine's total
 */
public record LoadSample(double cpu, double mem) {
  /** Before the first interval has passed: nothing measured yet. */
  public static final LoadSample NONE = new LoadSample(0, 0);

  public LoadSample {
    cpu = CpuMath.clamp(cpu);
    mem = CpuMath.clamp(mem);
  }
}

package io.mqttdispatcher.probe.sample;

import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/**
 * The whole host: CPU from successive tick snapshots, as utilisation of the cores the broker can
 * use (see {@link CpuMath#utilisation}), memory as (total - available) / total.
 */
public final class HostSampler implements LoadSampler {
  private final CentralProcessor processor;
  private final GlobalMemory memory;
  private final int logicalProcessors;
  private final double cores;
  private long[] previousTicks;

  /**
   * @param cores the cores the broker can use, see {@link CpuMath#usableCores}
   */
  public HostSampler(CentralProcessor processor, GlobalMemory memory, double cores) {
    this.processor = processor;
    this.memory = memory;
    this.logicalProcessors = processor.getLogicalProcessorCount();
    this.cores = cores;
    this.previousTicks = processor.getSystemCpuLoadTicks();
  }

  @Override
  public LoadSample sample() {
    long[] ticks = processor.getSystemCpuLoadTicks();
    double cpu =
        CpuMath.utilisation(CpuMath.hostLoad(previousTicks, ticks), logicalProcessors, cores);
    previousTicks = ticks;
    long total = memory.getTotal();
    return new LoadSample(cpu, CpuMath.fraction(total - memory.getAvailable(), total));
  }

  @Override
  public String describe() {
    return "host, CPU as utilisation of " + CpuMath.describeCores(cores, logicalProcessors);
  }
}

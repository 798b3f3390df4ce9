package io.mqttdispatcher.probe.sample;

import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/** The whole host: CPU from successive tick snapshots, memory as (total - available) / total. */
public final class HostSampler implements LoadSampler {
  private final CentralProcessor processor;
  private final GlobalMemory memory;
  private long[] previousTicks;

  public HostSampler(CentralProcessor processor, GlobalMemory memory) {
    this.processor = processor;
    this.memory = memory;
    this.previousTicks = processor.getSystemCpuLoadTicks();
  }

  @Override
  public LoadSample sample() {
    long[] ticks = processor.getSystemCpuLoadTicks();
    double cpu = CpuMath.hostLoad(previousTicks, ticks);
    previousTicks = ticks;
    long total = memory.getTotal();
    return new LoadSample(cpu, CpuMath.fraction(total - memory.getAvailable(), total));
  }

  @Override
  public String describe() {
    return "host";
  }
}

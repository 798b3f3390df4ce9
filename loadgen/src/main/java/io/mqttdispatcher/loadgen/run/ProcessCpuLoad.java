package io.mqttdispatcher.loadgen.run;

import io.mqttdispatcher.probe.sample.ProcessSampler;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * Broker CPU of local broker processes by pid, read with OSHI by the probe's own {@link
 * ProcessSampler}, so the experiment and the probe measure CPU one way: a fraction of the whole
 * machine (all its cores usable, as the paper measured). A process that is gone reads zero.
 */
public final class ProcessCpuLoad implements LoadSource {
  private final List<Long> pids;
  private final List<ProcessSampler> samplers;

  public ProcessCpuLoad(List<Long> pids) {
    this.pids = List.copyOf(pids);
    SystemInfo system = new SystemInfo();
    HardwareAbstractionLayer hardware = system.getHardware();
    int cpus = hardware.getProcessor().getLogicalProcessorCount();
    this.samplers =
        this.pids.stream()
            .map(
                pid ->
                    ProcessSampler.byPid(
                        system.getOperatingSystem(), hardware.getMemory(), cpus, cpus, pid))
            .toList();
  }

  /** CPU of each process since the previous call, as a fraction of the machine. */
  public synchronized List<Double> sampleCpu() {
    return samplers.stream().map(s -> s.sample().cpu()).toList();
  }

  @Override
  public List<BrokerLoad> sample() {
    return sampleCpu().stream().map(c -> new BrokerLoad(c, null)).toList();
  }

  @Override
  public String describe() {
    return "CPU of broker pids " + pids;
  }
}

package io.mqttdispatcher.probe.sample;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * One process, by pid or by name: CPU as utilisation of the cores the broker can use (see {@link
 * CpuMath#processLoad}) and resident memory as a fraction of the machine's total. A process found
 * by name is looked up again when it goes away, so a restarted broker is followed; while none is
 * running the sample is zero.
 */
public final class ProcessSampler implements LoadSampler {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);

  private final OperatingSystem os;
  private final GlobalMemory memory;
  private final double cores;
  private final int logicalProcessors;
  private final @Nullable Long pid;
  private final @Nullable String name;
  private @Nullable ProcessTimes previous;
  private @Nullable OSProcess current;
  private boolean missingLogged;

  private ProcessSampler(
      OperatingSystem os,
      GlobalMemory memory,
      double cores,
      int logicalProcessors,
      @Nullable Long pid,
      @Nullable String name) {
    this.os = os;
    this.memory = memory;
    this.cores = cores;
    this.logicalProcessors = logicalProcessors;
    this.pid = pid;
    this.name = name;
    sample();
  }

  /**
   * Samples the process with id {@code pid}, which can use {@code cores} (see {@link
   * CpuMath#usableCores}) of the host's {@code logicalProcessors}.
   */
  public static ProcessSampler byPid(
      OperatingSystem os, GlobalMemory memory, double cores, int logicalProcessors, long pid) {
    return new ProcessSampler(os, memory, cores, logicalProcessors, pid, null);
  }

  /** Samples the oldest running process called {@code name}, as {@link #byPid}. */
  public static ProcessSampler byName(
      OperatingSystem os, GlobalMemory memory, double cores, int logicalProcessors, String name) {
    return new ProcessSampler(os, memory, cores, logicalProcessors, null, name);
  }

  @Override
  public LoadSample sample() {
    OSProcess process = refresh();
    current = process;
    if (process == null) {
      if (!missingLogged) {
        LOG.warn("{} is not running; reporting zero CPU and memory until it is", target());
        missingLogged = true;
      }
      previous = null;
      return LoadSample.NONE;
    }
    if (missingLogged) {
      LOG.info("sampling process {} ({})", process.getProcessID(), process.getName());
      missingLogged = false;
    }
    ProcessTimes now =
        new ProcessTimes(
            process.getProcessID(),
            process.getStartTime(),
            process.getUserTime() + process.getKernelTime(),
            System.nanoTime() / 1_000_000);
    double cpu = previous == null ? 0 : CpuMath.processLoad(previous, now, cores);
    previous = now;
    return new LoadSample(cpu, CpuMath.fraction(process.getResidentSetSize(), memory.getTotal()));
  }

  /**
   * The sampled process with fresh counters: the known one re-read when it still runs, else a new
   * lookup.
   */
  private @Nullable OSProcess refresh() {
    OSProcess known = current;
    if (known != null
        && previous != null
        && known.updateAttributes()
        && known.getStartTime() == previous.startMillis()) {
      return known;
    }
    return find();
  }

  private @Nullable OSProcess find() {
    if (pid != null) {
      return pid > Integer.MAX_VALUE ? null : os.getProcess(pid.intValue());
    }
    if (previous != null) {
      // Cheap: one process's files. The full scan below runs only when the broker is (re)started.
      OSProcess known = os.getProcess((int) previous.pid());
      if (known != null && known.getStartTime() == previous.startMillis()) {
        return known;
      }
    }
    String wanted = Objects.requireNonNull(name, "a sampler has a pid or a name");
    List<OSProcess> matches =
        os.getProcesses(
            p -> wanted.equals(p.getName()), Comparator.comparingLong(OSProcess::getStartTime), 1);
    return matches.isEmpty() ? null : matches.get(0);
  }

  @Override
  public String describe() {
    return target() + ", CPU as utilisation of " + CpuMath.describeCores(cores, logicalProcessors);
  }

  private String target() {
    return pid != null ? "process " + pid : "process named '" + name + "'";
  }
}

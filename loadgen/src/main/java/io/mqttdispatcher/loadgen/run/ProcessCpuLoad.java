package io.mqttdispatcher.loadgen.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker CPU sampled from {@code /proc/PID/stat} (user + system time), as a fraction of the whole
 * machine like the probe reports it. The paper measured CPU from {@code /proc/stat} every second.
 */
public final class ProcessCpuLoad implements LoadSource {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessCpuLoad.class);
  /** Linux reports process times in USER_HZ, which is 100 on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final List<Long> pids;
  private final long[] lastTicks;
  private final long[] lastNanos;
  private final int cores = Runtime.getRuntime().availableProcessors();

  public ProcessCpuLoad(List<Long> pids) {
    this.pids = List.copyOf(pids);
    this.lastTicks = new long[pids.size()];
    this.lastNanos = new long[pids.size()];
    for (int i = 0; i < pids.size(); i++) {
      lastTicks[i] = ticks(pids.get(i));
      lastNanos[i] = System.nanoTime();
    }
  }

  /** CPU of each process since the previous call, fraction of the machine; null for a process that is gone. */
  public synchronized List<Double> sampleCpu() {
    List<Double> cpu = new ArrayList<>();
    for (int i = 0; i < pids.size(); i++) {
      long ticks = ticks(pids.get(i));
      long now = System.nanoTime();
      double seconds = (now - lastNanos[i]) / 1e9;
      if (ticks < 0 || lastTicks[i] < 0 || seconds <= 0) {
        cpu.add(null);
      } else {
        double fraction = (ticks - lastTicks[i]) / TICKS_PER_SECOND / seconds / cores;
        cpu.add(Math.max(0, Math.min(1, fraction)));
      }
      lastTicks[i] = ticks;
      lastNanos[i] = now;
    }
    return cpu;
  }

  @Override
  public List<BrokerLoad> sample() {
    return sampleCpu().stream().map(c -> new BrokerLoad(c, null)).toList();
  }

  @Override
  public String describe() {
    return "/proc of broker pids " + pids;
  }

  /** utime + stime of {@code pid} in ticks, or -1 when it cannot be read. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read /proc/{}/stat: {}", pid, e.toString());
      return -1;
    }
  }
}

package io.mqttdispatcher.loadgen.run;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The processes whose CPU time a run adds up, on this machine: the brokers (the data path of every
 * strategy) and the dispatcher (off the data path, used by the dispatcher strategy only).
 *
 * @param brokerPids one per broker; empty when unknown, and then no CPU per message is given
 * @param dispatcherPid the dispatcher's process, or null when unknown
 */
public record CpuAccounting(List<Long> brokerPids, @Nullable Long dispatcherPid) {
  /** Nothing known: no CPU figures. */
  public static final CpuAccounting NONE = new CpuAccounting(List.of(), null);

  public CpuAccounting {
    brokerPids = List.copyOf(brokerPids);
  }
}

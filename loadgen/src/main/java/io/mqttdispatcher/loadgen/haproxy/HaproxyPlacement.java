package io.mqttdispatcher.loadgen.haproxy;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.fleet.DevicePlacement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices per broker as HAProxy counts them: its sessions on each server now ({@code scur}) and
 * since it started ({@code stot}). Devices behind it all connect to one address and cannot tell
 * where they landed; HAProxy can. A statistics read that fails gives the last counts read.
 */
public final class HaproxyPlacement implements DevicePlacement {
  private static final Logger LOG = LoggerFactory.getLogger(HaproxyPlacement.class);

  private final Haproxy haproxy;
  private @Nullable List<ServerStats> last;
  private boolean warned;

  public HaproxyPlacement(Haproxy haproxy) {
    this.haproxy = haproxy;
  }

  @Override
  public synchronized Counts count(List<HostPort> brokers) {
    List<ServerStats> servers;
    try {
      servers = haproxy.servers();
      last = servers;
    } catch (IOException | RuntimeException e) {
      if (!warned) {
        LOG.warn("cannot read haproxy's statistics ({}): using the last counts read", e.toString());
        warned = true;
      }
      servers = last;
    }
    List<Integer> devices = new ArrayList<>(brokers.size());
    List<Long> arrived = new ArrayList<>(brokers.size());
    for (HostPort b : brokers) {
      int i = haproxy.brokers().indexOf(b);
      ServerStats s = servers == null || i < 0 ? null : servers.get(i);
      devices.add(s == null ? 0 : (int) s.sessions());
      arrived.add(s == null ? 0 : s.totalSessions());
    }
    return new Counts(devices, arrived);
  }
}

package io.mqttdispatcher.probe.evict;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Mosquitto's connection log, as it publishes it on {@code $SYS/broker/log/N} with {@code
 * log_dest topic}, into {@link KnownClients}: who connected (and whether with Clean Start 0, that
 * is with a session) and who left. Other lines are ignored.
 *
 * <p>Examples: {@code 1764090000: New client connected from 10.0.0.7:52656 as sensor-1 (p5, c1,
 * k60).} and {@code 1764090001: Client sensor-1 disconnected.}
 */
public final class BrokerLog {
  private static final Pattern CONNECTED =
      Pattern.compile(
          "^(?:\\d+: )?New client connected from \\S+ as (.+) \\(p\\d+, c([01]), k\\d+.*\\)\\.?$");
  private static final Pattern GONE =
      Pattern.compile(
          "^(?:\\d+: )?Client (.+?) (?:disconnected|closed its connection|has exceeded timeout|disconnected due to)[ .,:].*$|"
              + "^(?:\\d+: )?Client (.+?) disconnected\\.$");

  private final KnownClients clients;

  public BrokerLog(KnownClients clients) {
    this.clients = clients;
  }

  /** Applies one log line; returns whether it was a connect or disconnect line. */
  public boolean line(String line) {
    Matcher c = CONNECTED.matcher(line.strip());
    if (c.matches()) {
      // c0 (Clean Start 0) keeps a session. A c1 device may still ask for Session Expiry > 0, which
      // the log does not show; the dispatchers' word (they read the CONNECT) overrides this guess.
      clients.seenInLog(c.group(1), c.group(2).equals("0"));
      return true;
    }
    Matcher g = GONE.matcher(line.strip());
    if (g.matches()) {
      clients.disconnected(g.group(1) != null ? g.group(1) : g.group(2));
      return true;
    }
    return false;
  }
}

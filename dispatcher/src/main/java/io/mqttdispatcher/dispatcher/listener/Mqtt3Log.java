package io.mqttdispatcher.dispatcher.listener;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides when to log an MQTT 3 device: once per client address per minute, so a fleet of old
 * devices retrying does not flood the log. Remembers at most {@link #MAX_ADDRESSES} addresses.
 */
final class Mqtt3Log {
  static final int MAX_ADDRESSES = 10_000;
  private static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ConcurrentHashMap<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

  /** Whether a line about {@code address} should be logged now. */
  boolean shouldLog(InetAddress address, long nowNanos) {
    if (lastLogged.size() >= MAX_ADDRESSES) {
      lastLogged.clear();
    }
    boolean[] log = {false};
    lastLogged.compute(
        address,
        (a, last) -> {
          if (last == null || nowNanos - last >= PERIOD_NANOS) {
            log[0] = true;
            return nowNanos;
          }
          return last;
        });
    return log[0];
  }
}

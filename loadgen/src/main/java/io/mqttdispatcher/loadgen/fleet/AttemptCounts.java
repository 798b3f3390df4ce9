package io.mqttdispatcher.loadgen.fleet;

import java.util.Map;
import java.util.TreeMap;

/**
 * Connection attempts the fleet's devices made, each a TCP connection with its CONNECT, to a
 * dispatcher or a broker.
 *
 * @param attempts every attempt
 * @param landed attempts that ended connected to a broker
 * @param redirected attempts a dispatcher answered with a redirect (0x9C/0x9D and a Server
 *     Reference)
 * @param failed attempts that ended neither way: refused, reset, timed out, or refused by CONNACK
 *     (for example 0x88 from a dispatcher without a usable broker)
 * @param toDeadEndpoint failed attempts whose endpoint was already down when they began, that is
 *     when a dispatcher's redirect or a name lookup chose it (see {@link DeadEndpoints})
 * @param failedBy failed attempts by cause, e.g. {@code connection refused} or {@code CONNACK 0x88}
 */
public record AttemptCounts(
    long attempts,
    long landed,
    long redirected,
    long failed,
    long toDeadEndpoint,
    Map<String, Long> failedBy) {
  public static final AttemptCounts NONE = new AttemptCounts(0, 0, 0, 0, 0, Map.of());

  public AttemptCounts {
    failedBy = Map.copyOf(failedBy);
  }

  /** What happened between {@code earlier} and this. */
  public AttemptCounts minus(AttemptCounts earlier) {
    Map<String, Long> causes = new TreeMap<>(failedBy);
    earlier.failedBy.forEach((cause, n) -> causes.merge(cause, -n, Long::sum));
    causes.values().removeIf(n -> n == 0);
    return new AttemptCounts(
        attempts - earlier.attempts,
        landed - earlier.landed,
        redirected - earlier.redirected,
        failed - earlier.failed,
        toDeadEndpoint - earlier.toDeadEndpoint,
        causes);
  }
}

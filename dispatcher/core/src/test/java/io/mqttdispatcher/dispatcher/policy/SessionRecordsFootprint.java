package io.mqttdispatcher.dispatcher.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Measures the heap one session record takes: fills a table of N records (twice over, so it is full
 * and has evicted) with client ids of a given length, and divides the growth of used heap after GC
 * by the records held. A measurement, not a test; run as in docs/benchmarks.md: {@code java -Xmx1g
 * -cp <test classpath> io.mqttdispatcher.dispatcher.policy.SessionRecordsFootprint 1000000 13}.
 */
public final class SessionRecordsFootprint {
  private SessionRecordsFootprint() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int idLength = args.length > 1 ? Integer.parseInt(args[1]) : 13;
    String[] brokers = {"broker-1", "broker-2", "broker-3"};
    long before = usedAfterGc();
    SessionRecords records = new SessionRecords(n);
    for (long i = 0; i < 2L * n; i++) {
      records.record(clientId(i, idLength), brokers[(int) (i % 3)], 3600, System.nanoTime());
    }
    records.cleanUp();
    long after = usedAfterGc();
    System.out.printf(
        Locale.ROOT,
        "records held %d, evicted %d, id length %d: %.0f bytes per record%n",
        records.size(),
        records.evictedBySize(),
        idLength,
        (after - before) / (double) records.size());
  }

  /** "dev" and a zero-padded number, like connflood's ids, padded to {@code length} characters. */
  private static String clientId(long i, int length) {
    String digits = Long.toString(i);
    StringBuilder b = new StringBuilder(length).append("dev");
    for (int k = 3 + digits.length(); k < length; k++) {
      b.append('0');
    }
    return b.append(digits).toString();
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}

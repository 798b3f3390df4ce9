package io.mqttdispatcher.dispatcher.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Where each session device was sent, for as long as its session can live: a Caffeine cache bounded
 * by a number of records, each record expiring after its own Session Expiry Interval. Lookup,
 * insert and eviction are amortised O(1) (a hash table plus Caffeine's frequency sketch and timer
 * wheel), so the cost of a CONNECT never grows with the number of devices ever seen; when the table
 * is full, a new device still gets a record and the least valuable one is evicted.
 *
 * <p>Caffeine's maintenance (applying buffered reads and writes, evicting, expiring) runs on {@link
 * #MAINTENANCE}, one daemon thread shared by every table in the process, {@link #MAINTENANCE_DELAY}
 * after a write asks for it: never on a device event loop (a burst of sessions expiring together
 * would stall the devices behind it), never deferred for longer than the delay, and never on a pool
 * that grows (the default, {@code ForkJoinPool.commonPool()}, is shared with everything else in the
 * JVM and may add threads). The delay lets one run drain the writes of a millisecond: without it,
 * at tens of thousands of new session devices per second, nearly every write would wake the thread
 * (a futex call and a context switch each). Caffeine schedules a run only when none is pending, so
 * the event loops only append to its lock-free buffers; should its write buffer fill before the
 * run, the writer drains it itself, which bounds memory.
 *
 * <p>Times: the record's own expiry is checked against the caller's clock ({@code nowNanos}, as
 * every policy takes it), and Caffeine reclaims the memory of expired records on its {@link Ticker}
 * (the system's {@link System#nanoTime()} in the dispatcher) after the same interval.
 */
public final class SessionRecords {
  /**
   * Heap per record, rounded: 192 bytes measured with 13-character client ids, 216 with 36 (used
   * heap after GC with a full table of a million records, divided by the records held; {@code
   * SessionRecordsFootprint} in the tests, see docs/benchmarks.md).
   */
  public static final int BYTES_PER_RECORD = 200;

  /** How long after a write asks for maintenance it runs. */
  static final Duration MAINTENANCE_DELAY = Duration.ofMillis(1);

  /** Runs the maintenance of every table; one daemon thread for the process. */
  static final ScheduledExecutorService MAINTENANCE =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "session-records-maintenance");
            t.setDaemon(true);
            return t;
          });

  private static final Executor DELAYED_MAINTENANCE =
      task -> MAINTENANCE.schedule(task, MAINTENANCE_DELAY.toNanos(), TimeUnit.NANOSECONDS);

  private final Cache<String, Placement> records;
  private final LongAdder evictedBySize = new LongAdder();
  private final LongAdder evictedByExpiry = new LongAdder();

  /** A table of at most {@code maxRecords} records, expiring on the system clock. */
  public SessionRecords(long maxRecords) {
    this(maxRecords, Ticker.systemTicker());
  }

  SessionRecords(long maxRecords, Ticker ticker) {
    this.records =
        Caffeine.newBuilder()
            .maximumSize(maxRecords)
            .expireAfter(new SessionExpiry())
            .ticker(ticker)
            .executor(DELAYED_MAINTENANCE)
            .evictionListener(
                (@Nullable String id, @Nullable Placement p, RemovalCause cause) -> counted(cause))
            .build();
  }

  /**
   * The broker {@code clientId} was sent to, or null when there is no live record at {@code
   * nowNanos}.
   */
  public @Nullable String brokerOf(String clientId, long nowNanos) {
    Placement p = records.getIfPresent(clientId);
    return p != null && p.expiresAtNanos - nowNanos > 0 ? p.brokerId : null;
  }

  /**
   * Records that {@code clientId} was sent to {@code brokerId}, for {@code ttlSeconds} from {@code
   * nowNanos}.
   */
  public void record(String clientId, String brokerId, long ttlSeconds, long nowNanos) {
    records.put(
        clientId,
        new Placement(brokerId, nowNanos + TimeUnit.SECONDS.toNanos(ttlSeconds), ttlSeconds));
  }

  /** Records held (an estimate while maintenance is pending). */
  public long size() {
    return records.estimatedSize();
  }

  /** Records evicted to keep the table within its size. */
  public long evictedBySize() {
    return evictedBySize.sum();
  }

  /** Records evicted because their session expired. */
  public long evictedByExpiry() {
    return evictedByExpiry.sum();
  }

  /** Runs pending maintenance now, on the calling thread (tests and measurements). */
  void cleanUp() {
    records.cleanUp();
  }

  private void counted(RemovalCause cause) {
    if (cause == RemovalCause.SIZE) {
      evictedBySize.increment();
    } else if (cause == RemovalCause.EXPIRED) {
      evictedByExpiry.increment();
    }
  }

  /**
   * @param brokerId the broker's id (the registry's instance, shared by all its records)
   * @param expiresAtNanos end of the session on the policy's clock
   * @param ttlSeconds the session's lifetime, for Caffeine's clock
   */
  private record Placement(String brokerId, long expiresAtNanos, long ttlSeconds) {}

  /**
   * Each record lives for its own session's lifetime from its last write; reads do not extend it.
   */
  private static final class SessionExpiry implements Expiry<String, Placement> {
    @Override
    public long expireAfterCreate(String id, Placement p, long currentTime) {
      return TimeUnit.SECONDS.toNanos(p.ttlSeconds);
    }

    @Override
    public long expireAfterUpdate(String id, Placement p, long currentTime, long currentDuration) {
      return TimeUnit.SECONDS.toNanos(p.ttlSeconds);
    }

    @Override
    public long expireAfterRead(String id, Placement p, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}

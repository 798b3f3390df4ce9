package io.mqttdispatcher.dispatcher.policy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Where each session device was sent, for as long as its session can live: a table of a fixed
 * number of records, each expiring after its own Session Expiry Interval. Lookup and insert cost
 * the same whatever the number of devices ever seen: a record lives in one bucket of {@link #WAYS}
 * slots chosen by its client id's hash; when the bucket is full, a new device still gets a record,
 * in the slot of an expired record or else of the bucket's least recently written one (a device
 * that keeps coming back keeps its record through a flood of new ids).
 *
 * <p>The table is primitive arrays allocated once: a record is the client id's keyed 64-bit hash
 * ({@link ClientIdHash}), the end of its session and the broker's index in a table of broker ids.
 * No object per record, so a full table of a million records is about 20 MB and gives the garbage
 * collector nothing to trace or promote: young collections do not grow with the table, and writing
 * a record allocates nothing.
 *
 * <p>Thread-safe without locks for readers: each bucket has a version, odd while one writer changes
 * the bucket (writers of the same bucket wait for each other for the few nanoseconds a write
 * takes); a reader retries when the version moved under it. Expired records are reclaimed when
 * their slot is needed, and all at once by {@link #cleanUp()}, which the counts run at most once
 * per {@link #SWEEP_INTERVAL_NANOS} when read (the metrics read them at each scrape).
 *
 * <p>Times: a record's expiry is checked against the caller's clock ({@code nowNanos}, as every
 * policy takes it); the sweep reads the table's {@code ticker}, which must be the same clock (the
 * system's {@link System#nanoTime()}, as in the dispatcher, unless a test moves both by hand).
 */
public final class SessionRecords {
  /** Heap per record: the hash, the session's end and the broker index and rank (8 + 8 + 4). */
  public static final int BYTES_PER_RECORD = 20;

  /** Slots per bucket: a new record can take the place of any of these. */
  static final int WAYS = 16;

  /** How old the counts of records held and expired may be when read. */
  static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(int[].class);

  /** Bits of a slot's meta word for its rank in the bucket (0: written last). */
  private static final int RANK_BITS = 4;

  private static final int RANK_MASK = (1 << RANK_BITS) - 1;
  private static final int MAX_BROKERS = (Integer.MAX_VALUE >>> RANK_BITS) - 1;

  private final ClientIdHash hash;
  private final LongSupplier ticker;
  private final int buckets;
  private final int smallWays; // every bucket has smallWays slots, the first `larger` one more
  private final int larger;
  private final long[] keys;
  private final long[] expires;

  /** 0: empty; else (broker index + 1) << RANK_BITS | rank. */
  private final int[] meta;

  private final int[] versions;
  private final NameIndex brokers = new NameIndex(MAX_BROKERS);
  private final LongAdder held = new LongAdder();
  private final LongAdder evictedBySize = new LongAdder();
  private final LongAdder evictedByExpiry = new LongAdder();
  private final AtomicLong sweptAt;

  /** A table of at most {@code maxRecords} records, expiring on the system clock. */
  public SessionRecords(long maxRecords) {
    this(maxRecords, System::nanoTime, new ClientIdHash());
  }

  /** A table whose sweeps read {@code ticker}, with a fixed hash key so that tests repeat. */
  SessionRecords(long maxRecords, LongSupplier ticker) {
    this(maxRecords, ticker, new ClientIdHash(0x5eed, 0xc0ffee));
  }

  private SessionRecords(long maxRecords, LongSupplier ticker, ClientIdHash hash) {
    if (maxRecords < 0 || maxRecords > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "session records: between 0 and " + (Integer.MAX_VALUE - 8) + ", was " + maxRecords);
    }
    int n = (int) maxRecords;
    this.hash = hash;
    this.ticker = ticker;
    this.buckets = (n + WAYS - 1) / WAYS;
    this.smallWays = buckets == 0 ? 0 : n / buckets;
    this.larger = buckets == 0 ? 0 : n % buckets;
    this.keys = new long[n];
    this.expires = new long[n];
    this.meta = new int[n];
    this.versions = new int[buckets];
    this.sweptAt = new AtomicLong(ticker.getAsLong());
  }

  /** The key {@link #brokerOf(long, long)} and {@link #record(long, String, long, long)} take. */
  public long key(String clientId) {
    return hash.hash(clientId);
  }

  /**
   * The broker {@code clientId} was sent to, or null when there is no live record at {@code
   * nowNanos}.
   */
  public @Nullable String brokerOf(String clientId, long nowNanos) {
    return brokerOf(key(clientId), nowNanos);
  }

  /** Like {@link #brokerOf(String, long)}, by the id's {@link #key}. */
  public @Nullable String brokerOf(long key, long nowNanos) {
    if (buckets == 0) {
      return null;
    }
    int b = bucket(key);
    int from = first(b);
    int to = from + ways(b);
    for (; ; ) {
      int version = (int) VERSION.getAcquire(versions, b);
      if ((version & 1) == 0) {
        int found = 0;
        long expiresAt = 0;
        for (int i = from; i < to; i++) {
          int m = meta[i];
          if (m != 0 && keys[i] == key) {
            found = m;
            expiresAt = expires[i];
            break;
          }
        }
        VarHandle.acquireFence();
        if ((int) VERSION.getVolatile(versions, b) == version) {
          return found != 0 && expiresAt - nowNanos > 0 ? brokers.name(broker(found)) : null;
        }
      }
      Thread.onSpinWait(); // a writer is in this bucket
    }
  }

  /**
   * Records that {@code clientId} was sent to {@code brokerId}, for {@code ttlSeconds} from {@code
   * nowNanos}.
   */
  public void record(String clientId, String brokerId, long ttlSeconds, long nowNanos) {
    record(key(clientId), brokerId, ttlSeconds, nowNanos);
  }

  /** Like {@link #record(String, String, long, long)}, by the id's {@link #key}. */
  public void record(long key, String brokerId, long ttlSeconds, long nowNanos) {
    int broker = brokers.index(brokerId);
    if (buckets == 0 || broker < 0) {
      return;
    }
    long expiresAt = nowNanos + TimeUnit.SECONDS.toNanos(ttlSeconds);
    int b = bucket(key);
    int from = first(b);
    int to = from + ways(b);
    int version = lock(b);
    try {
      int slot = -1;
      int empty = -1;
      int expired = -1;
      int oldest = -1;
      for (int i = from; i < to; i++) {
        int m = meta[i];
        if (m == 0) {
          empty = i;
        } else if (keys[i] == key) {
          slot = i;
          break;
        } else if (expires[i] - nowNanos <= 0) {
          expired = i;
        } else if (oldest < 0 || rank(m) > rank(meta[oldest])) {
          oldest = i;
        }
      }
      if (slot < 0) {
        if (empty >= 0) {
          slot = empty;
          held.increment();
        } else if (expired >= 0) {
          slot = expired;
          evictedByExpiry.increment();
        } else {
          slot = oldest;
          evictedBySize.increment();
        }
      }
      // The slot becomes the newest: every slot written after it moves one back.
      int was = meta[slot] == 0 ? WAYS : rank(meta[slot]);
      for (int i = from; i < to; i++) {
        int m = meta[i];
        if (m != 0 && i != slot && rank(m) < was) {
          meta[i] = m + 1;
        }
      }
      keys[slot] = key;
      expires[slot] = expiresAt;
      meta[slot] = (broker + 1) << RANK_BITS;
    } finally {
      VERSION.setRelease(versions, b, version + 1);
    }
  }

  /** Records held (expired ones included until the next sweep, at most a second old). */
  public long size() {
    sweepIfDue();
    return held.sum();
  }

  /** Records evicted to keep the table within its size. */
  public long evictedBySize() {
    return evictedBySize.sum();
  }

  /** Records evicted because their session expired. */
  public long evictedByExpiry() {
    sweepIfDue();
    return evictedByExpiry.sum();
  }

  /** Removes every expired record now, on the calling thread. */
  void cleanUp() {
    long now = ticker.getAsLong();
    sweptAt.set(now);
    for (int b = 0; b < buckets; b++) {
      int from = first(b);
      int to = from + ways(b);
      if (anyExpired(from, to, now)) {
        int version = lock(b);
        try {
          for (int i = from; i < to; i++) {
            if (meta[i] != 0 && expires[i] - now <= 0) {
              remove(i, from, to);
              held.decrement();
              evictedByExpiry.increment();
            }
          }
        } finally {
          VERSION.setRelease(versions, b, version + 1);
        }
      }
    }
  }

  private void sweepIfDue() {
    long now = ticker.getAsLong();
    long last = sweptAt.get();
    if (now - last >= SWEEP_INTERVAL_NANOS && sweptAt.compareAndSet(last, now)) {
      cleanUp();
    }
  }

  /** A hint only (read without the bucket's version): the sweep locks the bucket to remove. */
  private boolean anyExpired(int from, int to, long now) {
    for (int i = from; i < to; i++) {
      if (meta[i] != 0 && expires[i] - now <= 0) {
        return true;
      }
    }
    return false;
  }

  /** Empties slot {@code i}; the slots written before it move one forward. */
  private void remove(int i, int from, int to) {
    int was = rank(meta[i]);
    meta[i] = 0;
    for (int j = from; j < to; j++) {
      int m = meta[j];
      if (m != 0 && rank(m) > was) {
        meta[j] = m - 1;
      }
    }
  }

  /** Waits for the bucket's writer, if any, and makes the version odd; returns it. */
  private int lock(int b) {
    for (; ; ) {
      int version = (int) VERSION.getVolatile(versions, b);
      if ((version & 1) == 0 && VERSION.compareAndSet(versions, b, version, version + 1)) {
        // The odd version is visible before any write to the bucket is.
        VarHandle.releaseFence();
        return version + 1;
      }
      Thread.onSpinWait();
    }
  }

  private int bucket(long key) {
    // The hash's high bits, scaled to the number of buckets without a division.
    return (int) Math.multiplyHigh(key & Long.MAX_VALUE, (long) buckets << 1);
  }

  private int first(int b) {
    return b * smallWays + Math.min(b, larger);
  }

  private int ways(int b) {
    return b < larger ? smallWays + 1 : smallWays;
  }

  private static int rank(int meta) {
    return meta & RANK_MASK;
  }

  private static int broker(int meta) {
    return (meta >>> RANK_BITS) - 1;
  }
}

package io.mqttdispatcher.dispatcher.devices;

import io.mqttdispatcher.dispatcher.policy.ClientIdHash;
import io.mqttdispatcher.dispatcher.policy.NameIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The broker this dispatcher last sent each recent client id to, in a fixed number of slots chosen
 * by a hash of the client id: a redirect overwrites its id's slot, whatever was there. Recording
 * costs one slot's write, however many devices were ever seen, and the newest redirects are the
 * ones kept: after N redirects into N slots of ids never seen before, a device sent k redirects ago
 * is still there with probability about e^(-k/N) (99 % of the last N/100, 63 % of the last N).
 *
 * <p>A size-bounded cache (least frequently used) was measured keeping 1.5 % of the last 100,000 of
 * a million new ids: under a fleet of devices that each connect once, its admission filter keeps
 * the oldest ids and turns new ones away, which is the opposite of what a lookup needs.
 *
 * <p>The slots are primitive arrays allocated once: the client id's keyed 64-bit hash ({@link
 * ClientIdHash}), the time, and the broker, group and rule as indexes into a table of names. A
 * redirect allocates nothing and leaves no reference from the table to a young object, so the
 * garbage collector has nothing to trace or promote however busy the table is. Thread-safe: each
 * slot has a version, odd while a writer fills it; a reader retries when it moved under it.
 */
public final class DeviceTable {
  /** Slots by default. */
  public static final int DEFAULT_MAX_DEVICES = 100_000;

  /** Bytes held per slot: the hash, the time, the names' indexes and the version. */
  public static final int BYTES_PER_DEVICE = 28;

  private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(int[].class);

  /** Bits per name index in a slot's names word: broker, group, rule (+1, 0 for none). */
  private static final int NAME_BITS = 21;

  private static final long NAME_MASK = (1L << NAME_BITS) - 1;

  /**
   * One redirect.
   *
   * @param clientId the device's client id
   * @param broker the broker's id
   * @param group the broker's group
   * @param rule the routing rule that chose the group ({@code default} for the file's default), or
   *     null without routing rules
   * @param atMillis wall clock of the redirect
   */
  public record Sent(
      String clientId, String broker, String group, @Nullable String rule, long atMillis) {
    public Sent {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(group, "group");
    }
  }

  private final ClientIdHash hash = new ClientIdHash();
  private final NameIndex names = new NameIndex((int) NAME_MASK - 1);
  private final long[] keys;
  private final long[] times;

  /** 0: empty; else broker + 1, group + 1 and rule + 1 (0 for none), NAME_BITS each. */
  private final long[] slotNames;

  private final int[] versions;

  public DeviceTable(int maxDevices) {
    if (maxDevices < 1) {
      throw new IllegalArgumentException(
          "a device table holds at least 1 device, was " + maxDevices);
    }
    this.keys = new long[maxDevices];
    this.times = new long[maxDevices];
    this.slotNames = new long[maxDevices];
    this.versions = new int[maxDevices];
  }

  /** Records that {@code clientId} was sent to {@code broker}; empty client ids are not kept. */
  public void record(
      String clientId, String broker, String group, @Nullable String rule, long atMillis) {
    if (clientId.isEmpty()) {
      return;
    }
    int b = names.index(broker);
    int g = names.index(group);
    int r = rule == null ? -1 : names.index(rule);
    if (b < 0 || g < 0 || (rule != null && r < 0)) {
      return; // more names than a slot can index: never with the brokers of one deployment
    }
    long key = hash.hash(clientId);
    int i = index(key);
    int version = lock(i);
    keys[i] = key;
    times[i] = atMillis;
    slotNames[i] = (b + 1L) << (2 * NAME_BITS) | (g + 1L) << NAME_BITS | (r + 1L);
    VERSION.setRelease(versions, i, version + 1);
  }

  /** Where {@code clientId} was last sent, if its slot still holds it. */
  public @Nullable Sent lookup(String clientId) {
    long key = hash.hash(clientId);
    int i = index(key);
    for (; ; ) {
      int version = (int) VERSION.getAcquire(versions, i);
      if ((version & 1) == 0) {
        long k = keys[i];
        long at = times[i];
        long n = slotNames[i];
        VarHandle.acquireFence();
        if ((int) VERSION.getVolatile(versions, i) == version) {
          if (n == 0 || k != key || clientId.isEmpty()) {
            return null;
          }
          long r = n & NAME_MASK;
          return new Sent(
              clientId,
              names.name((int) (n >>> (2 * NAME_BITS)) - 1),
              names.name((int) ((n >>> NAME_BITS) & NAME_MASK) - 1),
              r == 0 ? null : names.name((int) r - 1),
              at);
        }
      }
      Thread.onSpinWait(); // a writer is in this slot
    }
  }

  /** Waits for the slot's writer, if any, and makes the version odd; returns it. */
  private int lock(int i) {
    for (; ; ) {
      int version = (int) VERSION.getVolatile(versions, i);
      if ((version & 1) == 0 && VERSION.compareAndSet(versions, i, version, version + 1)) {
        VarHandle.releaseFence(); // the odd version is visible before the slot's new contents
        return version + 1;
      }
      Thread.onSpinWait();
    }
  }

  private int index(long key) {
    // The keyed hash is uniform already: its high bits, scaled to the slots without a division.
    return (int) Math.multiplyHigh(key & Long.MAX_VALUE, (long) keys.length << 1);
  }
}

package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.protocol.ProbeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Client ids this dispatcher sent to each broker, waiting to go to that broker's probe (protocol v2
 * {@code clients} lines), so the probe knows whom it can take over when asked to move devices.
 *
 * <p>The CONNECT path calls {@link #sent} from any device thread: one lookup and one lock-free
 * queue insert, nothing that grows with the fleet. Each broker's buffer is bounded; when a probe
 * does not keep up, further ids are dropped (and counted) until it does. Only brokers whose probe
 * speaks v2 have a buffer.
 */
public final class ClientIdFeed {
  /** Ids buffered per broker before further ones are dropped. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /**
   * A {@code clients} line is cut before it reaches this many bytes, well inside the 64 KiB line
   * limit.
   */
  static final int LINE_BUDGET_BYTES = 48 * 1024;

  private final int capacity;
  private final Map<String, Outbox> outboxes = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  public ClientIdFeed(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Records that device {@code clientId} was sent to broker {@code brokerId}; callable from any
   * thread.
   */
  public void sent(String brokerId, String clientId, boolean session) {
    Outbox box = outboxes.get(brokerId);
    if (box == null || clientId.isEmpty() || clientId.length() > ProbeMessage.MAX_CLIENT_ID) {
      return; // no v2 probe for it, or an id the broker assigns (empty) or one too long to send
    }
    if (box.size.incrementAndGet() > capacity) {
      box.size.decrementAndGet();
      dropped.increment();
      return;
    }
    box.queue.add(session ? new Entry(clientId, true) : new Entry(clientId, false));
  }

  /** Starts buffering ids for {@code brokerId} (its probe speaks v2). */
  void open(String brokerId) {
    outboxes.put(brokerId, new Outbox());
  }

  /** Stops buffering ids for {@code brokerId} and forgets those buffered. */
  void close(String brokerId) {
    outboxes.remove(brokerId);
  }

  /**
   * Takes every buffered id for {@code brokerId}, as {@code clients} lines; empty when there are
   * none.
   */
  List<ProbeMessage.Clients> drain(String brokerId) {
    Outbox box = outboxes.get(brokerId);
    if (box == null) {
      return List.of();
    }
    List<ProbeMessage.Clients> lines = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    int bytes = 0;
    Entry e;
    while ((e = box.queue.poll()) != null) {
      box.size.decrementAndGet();
      int cost = utf8Bound(e.clientId) * 2 + 3; // JSON escaping at worst doubles it
      if (ids.size() + sessions.size() == ProbeMessage.MAX_CLIENTS_PER_LINE
          || bytes + cost > LINE_BUDGET_BYTES) {
        lines.add(new ProbeMessage.Clients(ids, sessions));
        ids = new ArrayList<>();
        sessions = new ArrayList<>();
        bytes = 0;
      }
      (e.session ? sessions : ids).add(e.clientId);
      bytes += cost;
    }
    if (!ids.isEmpty() || !sessions.isEmpty()) {
      lines.add(new ProbeMessage.Clients(ids, sessions));
    }
    return lines;
  }

  /**
   * Bytes of {@code id} in UTF-8, or a little more for surrogate pairs (counted 6, are 4); without
   * encoding it, since this runs once per redirect.
   */
  static int utf8Bound(String id) {
    int bytes = id.length();
    for (int i = 0, n = id.length(); i < n; i++) {
      char c = id.charAt(i);
      if (c >= 0x80) {
        bytes += c >= 0x800 ? 2 : 1;
      }
    }
    return bytes;
  }

  /** Ids dropped because a broker's buffer was full. */
  public long dropped() {
    return dropped.sum();
  }

  private record Entry(String clientId, boolean session) {}

  private static final class Outbox {
    final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger size = new AtomicInteger();
  }
}

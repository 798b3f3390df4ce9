package io.mqttdispatcher.dispatcher.devices;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The broker this dispatcher last sent each client id to, for at most {@code maxDevices} client ids
 * (least recently sent evicted first, amortised O(1), by Caffeine on the caller's thread). Writing
 * costs the same whether ten or ten million devices were ever seen. Thread-safe.
 */
public final class DeviceTable {
  /** Client ids kept by default, about 150 bytes each. */
  public static final int DEFAULT_MAX_DEVICES = 100_000;

  /**
   * One redirect.
   *
   * @param broker the broker's id
   * @param group the broker's group
   * @param rule the routing rule that chose the group ({@code default} for the file's default), or
   *     null without routing rules
   * @param atMillis wall clock of the redirect
   */
  public record Sent(String broker, String group, @Nullable String rule, long atMillis) {
    public Sent {
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(group, "group");
    }
  }

  private final Cache<String, Sent> sent;

  public DeviceTable(int maxDevices) {
    if (maxDevices < 1) {
      throw new IllegalArgumentException(
          "a device table holds at least 1 device, was " + maxDevices);
    }
    this.sent = Caffeine.newBuilder().maximumSize(maxDevices).executor(Runnable::run).build();
  }

  /** Records that {@code clientId} was sent as {@code record}; empty client ids are not kept. */
  public void record(String clientId, Sent record) {
    if (!clientId.isEmpty()) {
      sent.put(clientId, record);
    }
  }

  /** Where {@code clientId} was last sent, if this table still holds it. */
  public @Nullable Sent lookup(String clientId) {
    return sent.getIfPresent(clientId);
  }

  /** Client ids held (approximate while evictions are pending). */
  public long size() {
    return sent.estimatedSize();
  }
}

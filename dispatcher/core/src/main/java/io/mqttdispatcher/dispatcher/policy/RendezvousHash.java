package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;

/**
 * Weighted rendezvous hashing: each (device, broker) pair gets a score, -capacity / ln(u) with u a
 * hash of the pair mapped to (0, 1); a device ranks brokers by score. A broker's share of devices
 * is its share of capacity, and removing a broker moves only its own devices. The hash (64-bit
 * FNV-1a over the UTF-8 bytes, then a finalizer) is stable across JVMs, so every replica ranks
 * alike.
 */
final class RendezvousHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private RendezvousHash() {}

  /** The hash state after the client id and a separator; computed once per CONNECT. */
  static long ofClient(String clientId) {
    long h = fnv(FNV_OFFSET, clientId);
    return (h ^ 0xff) * FNV_PRIME; // separator, so ("ab","c") differs from ("a","bc")
  }

  /** The score of {@code broker} for the device whose {@link #ofClient} is {@code clientHash}. */
  static double score(long clientHash, BrokerView broker) {
    return -broker.capacity() / Math.log(unit(finish(fnv(clientHash, broker.id()))));
  }

  /** The 64-bit hash of a client id and a broker id. */
  static long hash(String clientId, String brokerId) {
    return finish(fnv(ofClient(clientId), brokerId));
  }

  private static long fnv(long h, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return fnvUtf8(h, s, i); // the rare non-ASCII id: hash its UTF-8 bytes from here on
      }
      h = (h ^ c) * FNV_PRIME;
    }
    return h;
  }

  private static long fnvUtf8(long h, String s, int from) {
    for (byte b : s.substring(from).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return h;
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Maps a hash to (0, 1), never 0 or 1, so its logarithm is finite and negative. */
  private static double unit(long hash) {
    return ((hash >>> 11) + 0.5) / (double) (1L << 53);
  }
}

package io.mqttdispatcher.dispatcher.policy;

import java.security.SecureRandom;

/**
 * A keyed 64-bit hash of client ids (SipHash-1-3 over the id's UTF-16LE bytes), so that a table can
 * keep a device by a number instead of its id string: no object per device, nothing for the garbage
 * collector to trace. With a secret random key per process, a device cannot choose an id whose hash
 * equals another device's (hash flooding); two ids a fleet actually uses share a hash with
 * probability 2^-64 per pair.
 */
public final class ClientIdHash {
  private final long k0;
  private final long k1;

  /** A hash with a fresh random key. */
  public ClientIdHash() {
    this(new SecureRandom().nextLong(), new SecureRandom().nextLong());
  }

  /** A hash with a given key (tests that must repeat). */
  public ClientIdHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The hash of {@code id}; allocates nothing. */
  public long hash(String id) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int len = id.length();
    int i = 0;
    // Four UTF-16 code units per 64-bit word, then a last word with the byte count on top; a
    // message word is mixed with one SipRound, the end with three.
    for (int words = len >>> 2; words > 0; words--, i += 4) {
      long m =
          id.charAt(i)
              | (long) id.charAt(i + 1) << 16
              | (long) id.charAt(i + 2) << 32
              | (long) id.charAt(i + 3) << 48;
      v3 ^= m;
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13) ^ v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16) ^ v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21) ^ v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17) ^ v2;
      v2 = Long.rotateLeft(v2, 32);
      v0 ^= m;
    }
    long m = (long) (2 * len) << 56;
    for (int shift = 0; i < len; i++, shift += 16) {
      m |= (long) id.charAt(i) << shift;
    }
    v3 ^= m;
    for (int r = 0; r < 4; r++) { // one round for the last word, three to finish
      if (r == 1) {
        v0 ^= m;
        v2 ^= 0xff;
      }
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13) ^ v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16) ^ v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21) ^ v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17) ^ v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }
}

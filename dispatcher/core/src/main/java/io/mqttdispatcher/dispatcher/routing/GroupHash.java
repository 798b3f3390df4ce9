package io.mqttdispatcher.dispatcher.routing;

import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Rendezvous hashing of a client id over group names: each group gets a score from a hash of
 * (client id, group name), and the device goes to the group with the highest score among those that
 * can take it. Every dispatcher replica computes the same answer from the same names, without
 * sharing state; a group joining or leaving moves only the devices whose best group it is.
 *
 * <p>The hash reads the strings' UTF-16 units directly (no encoding, no allocation): FNV-1a over
 * the client id, mixed with a precomputable hash of the group name by a 64-bit finalizer.
 */
public final class GroupHash {
  private GroupHash() {}

  /**
   * The first group of {@code groups} by score for {@code clientId} that {@code usable} accepts, or
   * null when it accepts none.
   */
  public static @Nullable String choose(
      String clientId, List<String> groups, Predicate<String> usable) {
    long client = fnv(clientId);
    String best = null;
    long bestScore = 0;
    for (int i = 0, n = groups.size(); i < n; i++) {
      String g = groups.get(i);
      long score = score(client, g);
      if ((best == null
              || Long.compareUnsigned(score, bestScore) > 0
              || (score == bestScore && g.compareTo(best) < 0))
          && usable.test(g)) {
        best = g;
        bestScore = score;
      }
    }
    return best;
  }

  /** The score of {@code group} for a client whose {@link #fnv} is {@code client}; higher wins. */
  static long score(long client, String group) {
    long h = client ^ Long.rotateLeft(fnv(group), 29) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** 64-bit FNV-1a over the UTF-16 units of {@code s}. */
  static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}

package io.mqttdispatcher.dispatcher.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClientIdHashTest {
  private static final long K0 = 0x0706050403020100L; // key bytes 00..0f, little-endian
  private static final long K1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void the_reference_implementation_gives_the_sip_hash_paper_s_vector() {
    byte[] message = new byte[15]; // 00..0e
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) i;
    }

    // SipHash-2-4 of the paper (Aumasson and Bernstein, appendix A).
    assertThat(reference(2, 4, K0, K1, message)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  void hash_is_sip_hash_1_3_of_the_id_s_utf16le_bytes_for_every_length() {
    ClientIdHash hash = new ClientIdHash(K0, K1);
    SplittableRandom random = new SplittableRandom(7);
    for (int length = 0; length <= 40; length++) {
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < length; i++) {
        id.append(
            (char)
                random.nextInt(
                    0x20, 0xD800)); // no surrogates: UTF-16LE encoding would replace a lone one
      }
      String s = id.toString();

      assertThat(hash.hash(s))
          .as("length %d", length)
          .isEqualTo(reference(1, 3, K0, K1, s.getBytes(StandardCharsets.UTF_16LE)));
    }
  }

  @Test
  void fleet_ids_do_not_collide_and_the_key_changes_every_hash() {
    ClientIdHash one = new ClientIdHash(1, 2);
    ClientIdHash other = new ClientIdHash(1, 3);
    Set<Long> seen = new HashSet<>();
    int same = 0;
    for (int i = 0; i < 200_000; i++) {
      String id = String.format(Locale.ROOT, "dev%010d", i);
      seen.add(one.hash(id));
      same += one.hash(id) == other.hash(id) ? 1 : 0;
    }

    assertThat(seen).hasSize(200_000);
    assertThat(same).isZero();
  }

  /** SipHash-c-d over bytes, as the paper writes it. */
  private static long reference(int c, int d, long k0, long k1, byte[] in) {
    long[] v = {
      k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL,
      k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L
    };
    int whole = in.length / 8 * 8;
    for (int off = 0; off < whole; off += 8) {
      long m = 0;
      for (int i = 7; i >= 0; i--) {
        m = m << 8 | (in[off + i] & 0xFF);
      }
      compress(v, m, c);
    }
    long last = (long) (in.length & 0xFF) << 56;
    for (int i = whole; i < in.length; i++) {
      last |= (long) (in[i] & 0xFF) << (8 * (i - whole));
    }
    compress(v, last, c);
    v[2] ^= 0xff;
    for (int i = 0; i < d; i++) {
      round(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void compress(long[] v, long m, int c) {
    v[3] ^= m;
    for (int i = 0; i < c; i++) {
      round(v);
    }
    v[0] ^= m;
  }

  private static void round(long[] v) {
    v[0] += v[1];
    v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
    v[0] = Long.rotateLeft(v[0], 32);
    v[2] += v[3];
    v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
    v[2] = Long.rotateLeft(v[2], 32);
  }
}

package io.mqttdispatcher.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Challenge/response authentication of probe protocol v1: HMAC-SHA256, keyed with the shared
 * secret, over the UTF-8 bytes of the nonce string exactly as sent.
 */
public final class ProbeAuth {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int NONCE_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ProbeAuth() {}

  /** A fresh nonce: base64 of 32 random bytes. */
  public static String newNonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The MAC a probe sends for {@code nonce}, as lowercase hex. */
  public static String mac(byte[] secret, String nonce) {
    return HexFormat.of().formatHex(rawMac(secret, nonce));
  }

  /** Whether {@code macHex} is the MAC of {@code nonce}; compares in constant time. */
  public static boolean verify(byte[] secret, String nonce, String macHex) {
    byte[] expected =
        HexFormat.of().formatHex(rawMac(secret, nonce)).getBytes(StandardCharsets.US_ASCII);
    byte[] given = macHex.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  private static byte[] rawMac(byte[] secret, String nonce) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      return mac.doFinal(nonce.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}

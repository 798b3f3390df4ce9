package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.protocol.ProbeAuth;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;

/**
 * The probe's side of protocol v1 on the wire: lines it writes and the hello it answers a challenge
 * with.
 */
public final class ProbeLines {
  private ProbeLines() {}

  /** {@code message} as one line, newline included. */
  public static String line(ProbeMessage message) {
    return ProbeCodec.encode(message) + "\n";
  }

  /** The hello answering {@code challenge} for {@code brokerId}, signed with {@code secret}. */
  public static ProbeMessage.Hello hello(
      String brokerId, byte[] secret, ProbeMessage.Challenge challenge) {
    return new ProbeMessage.Hello(brokerId, ProbeAuth.mac(secret, challenge.nonce()));
  }
}

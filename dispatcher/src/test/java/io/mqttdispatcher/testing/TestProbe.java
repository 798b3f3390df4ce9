package io.mqttdispatcher.testing;

import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.ProbeAuth;
import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.ProtocolException;
import io.mqttdispatcher.protocol.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A scripted probe for tests: a plain blocking socket that speaks protocol v1 line by line, so a
 * test controls exactly what the dispatcher receives (including bad lines).
 */
public final class TestProbe implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  private TestProbe(Socket socket) throws IOException {
    this.socket = socket;
    this.socket.setSoTimeout(
        15_000); // a margin for busy machines: reads wait for the dispatcher's answer
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /** Connects without authenticating. */
  public static TestProbe connect(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return new TestProbe(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Connects, answers the challenge for {@code broker} with {@code secret} and returns the
   * dispatcher's answer.
   */
  public ProbeMessage hello(String broker, byte[] secret) {
    ProbeMessage.Challenge challenge = (ProbeMessage.Challenge) read();
    send(new ProbeMessage.Hello(broker, ProbeAuth.mac(secret, challenge.nonce())));
    return read();
  }

  /** Connects and authenticates, failing if the dispatcher does not welcome the probe. */
  public static TestProbe authenticated(int port, String broker, byte[] secret) {
    TestProbe p = connect(port);
    ProbeMessage answer = p.hello(broker, secret);
    if (!(answer instanceof ProbeMessage.Welcome)) {
      p.close();
      throw new IllegalStateException("dispatcher did not welcome the probe: " + answer);
    }
    return p;
  }

  /** Sends a healthy report with {@code cpu} and one {@code mqtt} endpoint. */
  public void report(double cpu, String mqttEndpoint) {
    report(cpu, true, Map.of(Transport.MQTT, mqttEndpoint));
  }

  public void report(double cpu, boolean healthy, Map<Transport, String> endpoints) {
    report(cpu, healthy, endpoints, BrokerGroup.DEFAULT);
  }

  /** Sends a report of a broker in {@code group}. */
  public void report(
      double cpu, boolean healthy, Map<Transport, String> endpoints, BrokerGroup group) {
    send(
        new ProbeMessage.Report(
            System.currentTimeMillis(),
            cpu,
            0.1,
            OptionalLong.empty(),
            OptionalDouble.empty(),
            healthy,
            1.0,
            endpoints,
            null,
            group));
  }

  /**
   * Sends a healthy report as a probe beside a real broker would: {@code cpu} as utilisation of
   * what the broker can use, the client count and message rate from {@code $SYS} (empty: unknown),
   * and the broker's {@code capacity}.
   */
  public void report(
      double cpu,
      OptionalLong connections,
      OptionalDouble msgRate,
      double capacity,
      String mqttEndpoint) {
    send(
        new ProbeMessage.Report(
            System.currentTimeMillis(),
            cpu,
            0.1,
            connections,
            msgRate,
            true,
            capacity,
            Map.of(Transport.MQTT, mqttEndpoint)));
  }

  public void send(ProbeMessage message) {
    sendRaw(ProbeCodec.encode(message) + "\n");
  }

  public void sendRaw(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line from the dispatcher, decoded; throws at end of stream. */
  public ProbeMessage read() {
    try {
      String line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("dispatcher closed the probe connection");
      }
      return ProbeCodec.decode(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ProtocolException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether the dispatcher has closed this connection (reads until end of stream, up to the
   * timeout).
   */
  public boolean closedByPeer() {
    try {
      while (in.readLine() != null) {
        // drain lines such as a final error
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test socket: nothing to do
    }
  }
}

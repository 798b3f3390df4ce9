package io.mqttdispatcher.devicekit.testing;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.embedded.EmbeddedBrokerMain;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.Mosquitto;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One real broker with MQTT, WebSocket and TLS listeners (Mosquitto where installed, else HiveMQ CE
 * in a JVM of its own), and an in-process dispatcher with WebSocket and TLS device listeners (a
 * self-signed certificate for {@code localhost}, the broker's too), whose scripted probe advertises
 * the three endpoints every 200 ms. (Mosquitto 2.0 binds WebSocket listeners to every interface;
 * the tests only connect to 127.0.0.1.)
 */
public final class TransportStack implements AutoCloseable {
  private final int mqttPort = FreePort.find();
  private final int wsPort = FreePort.find();
  private final int tlsPort = FreePort.find();
  private final SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
  private final Path dir;
  private final Path log;
  private final Process broker;
  private final Dispatcher dispatcher;
  private final TestProbe probe;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

  private TransportStack() throws Exception {
    dir = Files.createTempDirectory("broker-transports");
    // Mosquitto started as root reads certificates after dropping to its own user: readable copies.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cert = readableCopy(certificate.certificate().toPath(), "broker.crt");
    Path key = readableCopy(certificate.privateKey().toPath(), "broker.key");
    if (Mosquitto.installed()) {
      Path conf = dir.resolve("mosquitto.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "listener " + mqttPort + " 127.0.0.1",
              "listener " + wsPort,
              "protocol websockets",
              "listener " + tlsPort + " 127.0.0.1",
              "certfile " + cert,
              "keyfile " + key,
              "allow_anonymous true",
              "persistence false",
              ""));
      log = dir.resolve("mosquitto.log");
      broker =
          new ProcessBuilder(Mosquitto.binary(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } else {
      log = dir.resolve("hivemq.log");
      broker = startHiveMq();
    }
    Dispatcher started = null;
    try {
      if (!Mosquitto.installed()) {
        awaitReadyLine();
      }
      awaitListening(mqttPort);
      awaitListening(wsPort);
      awaitListening(tlsPort);
      started =
          Dispatcher.start(
              TestDispatchers.options(
                  "--ws-listen=127.0.0.1:0",
                  "--ws-path=/mqtt",
                  "--tls-listen=127.0.0.1:0",
                  "--tls-cert=" + certificate.certificate(),
                  "--tls-key=" + certificate.privateKey()));
      probe = TestProbe.authenticated(started.probePort(), "ws-broker", TestDispatchers.SECRET);
    } catch (Exception e) {
      if (started != null) {
        started.close();
      }
      broker.destroyForcibly();
      broker.waitFor(5, TimeUnit.SECONDS);
      throw e;
    }
    dispatcher = started;
    reporter.scheduleAtFixedRate(this::report, 0, 200, TimeUnit.MILLISECONDS);
  }

  /**
   * HiveMQ CE ({@link EmbeddedBrokerMain}) in a JVM of its own, with WebSocket ({@code /mqtt}) and
   * TLS listeners beside the MQTT one; its TLS key is this stack's self-signed one, in a PKCS#12
   * key store.
   */
  private Process startHiveMq() throws Exception {
    // A throwaway password for a throwaway key: the key store only carries the test certificate.
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "broker",
        certificate.key(),
        password.toCharArray(),
        new Certificate[] {certificate.cert()});
    Path keyStore = dir.resolve("broker.p12");
    try (OutputStream out = Files.newOutputStream(keyStore)) {
      keys.store(out, password.toCharArray());
    }
    Path listeners =
        Files.writeString(
            dir.resolve("listeners.xml"),
            String.format(
                Locale.ROOT,
                """
            <websocket-listener>
              <port>%d</port><bind-address>127.0.0.1</bind-address><path>/mqtt</path>
            </websocket-listener>
            <tls-tcp-listener>
              <port>%d</port><bind-address>127.0.0.1</bind-address>
              <tls><keystore>
                <path>%s</path><password>%s</password><private-key-password>%s</private-key-password>
              </keystore></tls>
            </tls-tcp-listener>
            """,
                wsPort,
                tlsPort,
                keyStore,
                password,
                password));
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            EmbeddedBrokerMain.class.getName(),
            String.valueOf(mqttPort),
            dir.resolve("broker").toString(),
            String.valueOf(FreePort.find()),
            listeners.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** HiveMQ CE may accept TCP before it serves clients: its ready line says when it does. */
  private void awaitReadyLine() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log).contains("broker listening on 127.0.0.1:" + mqttPort)) {
      if (!broker.isAlive()) {
        throw new IllegalStateException(
            "HiveMQ CE exited with " + broker.exitValue() + "; log in " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("HiveMQ CE was not ready within 120 s; log in " + log);
      }
      Thread.sleep(100);
    }
  }

  private Path readableCopy(Path from, String name) throws IOException {
    Path to = Files.copy(from, dir.resolve(name));
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    return to;
  }

  /** Starts the broker and the dispatcher; returns once the broker is usable. */
  public static TransportStack start() throws Exception {
    TransportStack stack = new TransportStack();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (stack.dispatcher.registry().snapshot().brokers().isEmpty()) {
      if (System.nanoTime() > deadline) {
        stack.close();
        throw new IllegalStateException("the dispatcher did not list the broker within 5 s");
      }
      Thread.sleep(20);
    }
    return stack;
  }

  private void report() {
    probe.report(
        0.1,
        broker.isAlive(),
        Map.of(
            Transport.MQTT,
            "127.0.0.1:" + mqttPort,
            Transport.WS,
            brokerWebSocketUri(),
            Transport.MQTTS,
            "127.0.0.1:" + tlsPort));
  }

  private void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!broker.isAlive()) {
        throw new IllegalStateException("the broker exited; log in " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new UncheckedIOException(
        new IOException(
            "the broker did not listen on port " + port + " within 10 s; log in " + log));
  }

  /** Where WebSocket devices reach the dispatcher. */
  public String dispatcherWebSocketUri() {
    return "ws://127.0.0.1:" + dispatcher.webSocketPort() + "/mqtt";
  }

  /** The broker's WebSocket endpoint, as its probe advertises it. */
  public String brokerWebSocketUri() {
    return "ws://127.0.0.1:" + wsPort + "/mqtt";
  }

  /** Where TLS devices reach the dispatcher. */
  public String dispatcherTlsAddress() {
    return "127.0.0.1:" + dispatcher.tlsPort();
  }

  /** The broker's TLS endpoint, as its probe advertises it. */
  public String brokerTlsAddress() {
    return "127.0.0.1:" + tlsPort;
  }

  /** The broker's plain MQTT port, for a subscriber. */
  public int brokerMqttPort() {
    return mqttPort;
  }

  @Override
  public void close() throws InterruptedException {
    reporter.shutdownNow();
    reporter.awaitTermination(2, TimeUnit.SECONDS);
    probe.close();
    dispatcher.close();
    broker.destroy();
    if (!broker.waitFor(5, TimeUnit.SECONDS)) {
      broker.destroyForcibly();
      broker.waitFor(5, TimeUnit.SECONDS);
    }
    certificate.delete();
  }
}

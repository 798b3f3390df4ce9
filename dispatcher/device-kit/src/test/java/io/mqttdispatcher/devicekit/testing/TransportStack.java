package io.mqttdispatcher.devicekit.testing;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.Mosquitto;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One real Mosquitto broker with MQTT, WebSocket and TLS listeners, and an in-process dispatcher
 * with WebSocket and TLS device listeners (a self-signed certificate for {@code localhost}), whose
 * scripted probe advertises the three endpoints every 200 ms. (Mosquitto 2.0 binds WebSocket
 * listeners to every interface; the tests only connect to 127.0.0.1.)
 */
public final class TransportStack implements AutoCloseable {
  private final int mqttPort = FreePort.find();
  private final int wsPort = FreePort.find();
  private final int tlsPort = FreePort.find();
  private final SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
  private final Path dir;
  private final Process broker;
  private final Dispatcher dispatcher;
  private final TestProbe probe;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

  private TransportStack() throws Exception {
    dir = Files.createTempDirectory("mosquitto-transports");
    // Mosquitto started as root reads certificates after dropping to its own user: readable copies.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cert = readableCopy(certificate.certificate().toPath(), "broker.crt");
    Path key = readableCopy(certificate.privateKey().toPath(), "broker.key");
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
    broker =
        new ProcessBuilder(Mosquitto.binary(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    Dispatcher started = null;
    try {
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

  private Path readableCopy(Path from, String name) throws IOException {
    Path to = Files.copy(from, dir.resolve(name));
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    return to;
  }

  /** Starts the broker and the dispatcher; returns once the broker is usable. */
  public static TransportStack start() throws Exception {
    TestBroker.assumeMosquittoBinary(
        "one broker with MQTT, WebSocket and TLS listeners from one config file");
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
        throw new IllegalStateException("mosquitto exited; log in " + dir.resolve("mosquitto.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new UncheckedIOException(
        new IOException("mosquitto did not listen on port " + port + " within 10 s"));
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

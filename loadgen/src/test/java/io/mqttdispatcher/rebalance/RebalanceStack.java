package io.mqttdispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.devicekit.DeviceConnection;
import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.devicekit.RedirectingConnector;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.ctl.AdminClient;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brokers {@code b0}, {@code b1}, ... (Mosquitto: the probes read connection counts from its {@code
 * $SYS} tree; HiveMQ CE where Mosquitto is not installed: from its metrics endpoint), a real probe
 * beside each reporting to every dispatcher replica, the replicas (admin changes allowed with
 * {@link #TOKEN}), and devices that reconnect through a dispatcher when their broker drops them.
 * Closing it closes everything it started, last first.
 */
final class RebalanceStack implements AutoCloseable {
  static final byte[] TOKEN = "admin-token".getBytes(StandardCharsets.UTF_8);
  static final Duration WAIT = Duration.ofSeconds(30);

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<TestBroker> brokers = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private final List<DeviceConnection> devices = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> reconnects = Collections.synchronizedList(new ArrayList<>());

  private RebalanceStack() {}

  /**
   * Starts the replicas, then the brokers and their probes; returns once every replica has every
   * broker usable.
   */
  static RebalanceStack start(int brokerCount, int replicaCount, String... dispatcherArgs)
      throws Exception {
    RebalanceStack stack = new RebalanceStack();
    try {
      stack.startAll(brokerCount, replicaCount, dispatcherArgs);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(int brokerCount, int replicaCount, String... dispatcherArgs)
      throws Exception {
    for (int i = 0; i < replicaCount; i++) {
      Dispatcher d = Dispatcher.start(TestDispatchers.options(withToken(dispatcherArgs)));
      open.add(d);
      dispatchers.add(d);
    }
    List<HostPort> probePorts =
        dispatchers.stream().map(d -> new HostPort("127.0.0.1", d.probePort())).toList();
    for (int i = 0; i < brokerCount; i++) {
      // Mosquitto's probe counts connections from $SYS, HiveMQ CE's from its metrics endpoint.
      TestBroker broker = TestBroker.start();
      open.add(broker);
      brokers.add(broker);
      Probe p =
          Probe.start(ProbeOptions.parse(RebalanceStack.probeArgs("b" + i, broker, probePorts)));
      open.add(p);
      probes.add(p);
    }
    for (int i = 0; i < replicaCount; i++) {
      awaitUsable(i, brokerCount);
    }
  }

  Dispatcher dispatcher(int replica) {
    return dispatchers.get(replica);
  }

  Probe probe(int broker) {
    return probes.get(broker);
  }

  TestBroker broker(int index) {
    return brokers.get(index);
  }

  /** The admin API of dispatcher {@code replica}, with the token. */
  AdminClient admin(int replica) {
    return new AdminClient(
        URI.create("http://127.0.0.1:" + dispatchers.get(replica).adminPort()),
        TOKEN,
        Duration.ofSeconds(10));
  }

  /** Waits until dispatcher {@code replica} counts {@code count} usable brokers. */
  void awaitUsable(int replica, int count) {
    Dispatcher d = dispatchers.get(replica);
    await()
        .atMost(WAIT)
        .until(
            () ->
                d.registry().snapshot().usable(Transport.MQTT, System.nanoTime()).size() == count);
  }

  /**
   * {@code count} devices connected through dispatcher {@code replica}, each reconnecting through
   * it (20 passes, waits up to 1 s) when dropped.
   */
  void connectDevices(int count, int replica) throws Exception {
    Endpoint dispatcher = Endpoint.of("127.0.0.1", dispatchers.get(replica).devicePort());
    for (int i = 0; i < count; i++) {
      String id = "device-" + devices.size();
      RedirectingConnector connector =
          RedirectingConnector.builder(dispatcher)
              .client(b -> b.identifier(id))
              .reconnectAttempts(20, Duration.ofSeconds(1))
              .onReconnected(d -> reconnects.add(System.nanoTime()))
              .build();
      open.add(connector);
      DeviceConnection device = connector.connect();
      open.add(device);
      devices.add(device);
    }
  }

  /**
   * An imbalance made by hand: b1 drained (asked of replica 0, waited for on {@code viaReplica}),
   * {@code count} devices connected through {@code viaReplica} (so all on b0), b0's probe told
   * their ids, then b1 undrained (it takes devices again).
   */
  void allDevicesOnTheFirstBroker(int count, int viaReplica) throws Exception {
    admin(0).post("/brokers/b1/drain", null);
    awaitUsable(viaReplica, brokers.size() - 1);
    connectDevices(count, viaReplica);
    assertThat(onBroker(0)).as("devices on b0 while b1 is drained").isEqualTo(count);
    await().atMost(WAIT).until(() -> probes.get(0).knownClients() >= count);
    admin(0).post("/brokers/b1/undrain", null);
  }

  /**
   * Waits until dispatcher {@code replica} sees b1 undrained and the connection counts given, or
   * one more on a broker. Mosquitto's {@code $SYS/broker/clients/connected} is the size of its
   * socket table, which can hold a context whose connection is already gone
   * (eclipse-mosquitto/mosquitto issue 2466): in full builds it stood one above for 30 s at the
   * first test of this class, in 4 of about 12 builds, while {@code ss -tnp} counted exactly the
   * devices and the probe's own connection. One more is the same imbalance for what the tests wait
   * for.
   */
  void awaitConnectionCounts(int replica, long onFirst, long onOthers) {
    Dispatcher d = dispatchers.get(replica);
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < brokers.size(); i++) {
      expected.put("b" + i, i == 0 ? onFirst : onOthers);
    }
    // On a timeout the message shows what the dispatcher saw: a count, "draining" or "unknown".
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Map<String, String> seen = new TreeMap<>();
              boolean close = true;
              for (BrokerView b : d.registry().snapshot().brokers()) {
                long want = expected.getOrDefault(b.id(), -1L);
                if (b.draining() || b.connections().isEmpty()) {
                  seen.put(b.id(), b.draining() ? "draining" : "unknown");
                  close = false;
                } else {
                  long n = b.connections().getAsLong();
                  seen.put(b.id(), String.valueOf(n));
                  close &= n == want || n == want + 1;
                }
              }
              assertThat(close)
                  .as(
                      "connection counts replica %d sees: %s, expected %s (or one more)",
                      replica, seen, expected)
                  .isTrue();
              assertThat(seen.keySet()).isEqualTo(expected.keySet());
            });
  }

  /** Connected devices on broker {@code index} now. */
  long onBroker(int index) {
    return devices.stream()
        .filter(d -> d.isConnected() && d.broker().port() == brokers.get(index).port())
        .count();
  }

  /** Every device made, in order. */
  List<DeviceConnection> devices() {
    return devices;
  }

  /** Nanos of each reconnect through a dispatcher, in order. */
  List<Long> reconnects() {
    return reconnects;
  }

  @Override
  public void close() {
    List<AutoCloseable> last = new ArrayList<>(open);
    Collections.reverse(last);
    for (AutoCloseable c : last) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  /** {@code args} after an admin token ({@link #TOKEN}), so admin changes are allowed. */
  static String[] withToken(String... args) {
    List<String> all =
        new ArrayList<>(List.of("--admin-token-file=" + TestDispatchers.file(TOKEN)));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  /**
   * A probe's arguments for {@code broker}, reporting to every dispatcher in {@code probePorts}
   * twice a second; connections from {@code $SYS}, or from the metrics endpoint where the broker
   * has one.
   */
  static List<String> probeArgs(String id, TestBroker broker, List<HostPort> probePorts) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--broker-id=" + id,
                "--endpoint=mqtt=" + broker.endpoint(),
                "--secret-file=" + TestDispatchers.SECRET_FILE,
                "--interval=500ms",
                "--sys-topics"));
    probePorts.forEach(p -> args.add("--dispatcher=" + p));
    broker
        .metricsUrl()
        .ifPresent(url -> args.addAll(List.of("--metrics-url=" + url, "--metrics-format=hivemq")));
    return args;
  }
}

package io.mqttdispatcher.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placement seen from outside: a real dispatcher, probes speaking protocol v1 with what real probes
 * would report, and thousands of real MQTT v5 CONNECTs (HiveMQ client) whose Server References are
 * counted per broker.
 */
class StormPlacementIT {
  private static final Logger LOG = LoggerFactory.getLogger(StormPlacementIT.class);
  private static final int IN_FLIGHT = 16;
  private static final String A = "127.0.0.1:11883";
  private static final String B = "127.0.0.1:21883";
  private static final String C = "127.0.0.1:31883";
  private static final String D = "127.0.0.1:41883";

  private Dispatcher dispatcher;
  private final List<TestProbe> probes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    // Reports are sent once: a long --stale-after keeps the brokers usable however slow the
    // machine.
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5), 65536));
  }

  @AfterEach
  void stop() {
    probes.forEach(TestProbe::close);
    dispatcher.close();
  }

  private TestProbe probe(String id) {
    TestProbe p = TestProbe.authenticated(dispatcher.probePort(), id, TestDispatchers.SECRET);
    probes.add(p);
    return p;
  }

  private void awaitBrokers(int n) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> dispatcher.registry().snapshot().brokers().size() == n);
  }

  /**
   * {@code devices} real devices asking at once ({@link #IN_FLIGHT} in flight): Server References
   * by share, in %.
   */
  private Map<String, Double> storm(int devices) throws Exception {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < IN_FLIGHT; w++) {
        workers.add(
            pool.submit(
                () -> {
                  while (next.getAndIncrement() < devices) {
                    String reference = TestDevice.serverReference(dispatcher.devicePort());
                    counts
                        .computeIfAbsent(String.valueOf(reference), r -> new AtomicInteger())
                        .incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get(3, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Double> shares = new TreeMap<>();
    counts.forEach((reference, n) -> shares.put(reference, 100.0 * n.get() / devices));
    LOG.info("{} devices, share per Server Reference (%): {}", devices, shares);
    return shares;
  }

  @Test
  void a_storm_over_just_restarted_brokers_follows_their_capacities() throws Exception {
    // given three brokers just restarted (no CPU, no clients), capacities 1, 1 and 2
    probe("a").report(0, OptionalLong.of(0), OptionalDouble.of(0), 1, A);
    probe("b").report(0, OptionalLong.of(0), OptionalDouble.of(0), 1, B);
    probe("c").report(0, OptionalLong.of(0), OptionalDouble.of(0), 2, C);
    awaitBrokers(3);

    // when 3000 devices reconnect at once, faster than any report could show them
    Map<String, Double> shares = storm(3000);

    // then they spread by capacity, not onto the biggest broker
    assertThat(shares.keySet()).containsExactlyInAnyOrder(A, B, C);
    assertThat(shares.get(A)).isCloseTo(25, within(5.0));
    assertThat(shares.get(B)).isCloseTo(25, within(5.0));
    assertThat(shares.get(C)).isCloseTo(50, within(5.0));
  }

  @Test
  void a_machine_twice_as_big_set_up_as_the_docs_say_takes_half_at_the_same_utilisation()
      throws Exception {
    // given: --capacity 2 on the machine with twice the cores; every probe reports utilisation of
    // what
    // its broker can use, here 50 % on all three, and the big one has twice the clients
    probe("big").report(0.5, OptionalLong.of(2000), OptionalDouble.of(2000), 2, C);
    probe("a").report(0.5, OptionalLong.of(1000), OptionalDouble.of(1000), 1, A);
    probe("b").report(0.5, OptionalLong.of(1000), OptionalDouble.of(1000), 1, B);
    awaitBrokers(3);

    Map<String, Double> shares = storm(2000);

    assertThat(shares.get(C)).isCloseTo(50, within(5.0));
    assertThat(shares.get(A)).isCloseTo(25, within(5.0));
    assertThat(shares.get(B)).isCloseTo(25, within(5.0));
  }

  @Test
  void when_a_broker_dies_its_devices_go_to_the_survivors_by_headroom() throws Exception {
    // given a at 60 %, b at 30 %, c (twice the capacity) at 30 %, and d, which dies
    probe("a").report(0.6, OptionalLong.of(600), OptionalDouble.of(600), 1, A);
    probe("b").report(0.3, OptionalLong.of(300), OptionalDouble.of(300), 1, B);
    probe("c").report(0.3, OptionalLong.of(600), OptionalDouble.of(600), 2, C);
    TestProbe d = probe("d");
    d.report(0.5, OptionalLong.of(2000), OptionalDouble.of(2000), 2, D);
    awaitBrokers(4);
    d.close(); // its probe's connection drops: the dispatcher forgets d at once
    awaitBrokers(3);

    // when d's devices come back
    Map<String, Double> shares = storm(2000);

    // then none goes to d; a, already fuller, gets fewer than b; c gets twice what b gets
    assertThat(shares.keySet()).doesNotContain(D);
    assertThat(shares.getOrDefault(A, 0.0)).isLessThan(shares.get(B) - 5);
    assertThat(shares.get(C) / (shares.get(B) + shares.get(C))).isCloseTo(2.0 / 3, within(0.05));
  }
}

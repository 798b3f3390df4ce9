package io.mqttdispatcher.loadgen.testing;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.loadgen.run.ProcessCpuLoad;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Real brokers (see {@link TestBroker}: Mosquitto, or HiveMQ CE where it is not installed) and an
 * in-process dispatcher, with one scripted probe per broker reporting every 500 ms the broker's own
 * CPU (from /proc), or a CPU a test pins, and whether it is alive.
 */
public final class LocalStack implements AutoCloseable {
  private final List<TestBroker> brokers = new ArrayList<>();
  private final List<TestProbe> probes = new ArrayList<>();
  private final Map<Integer, Double> pinnedCpu = new ConcurrentHashMap<>();
  private final Dispatcher dispatcher;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
  private final ProcessCpuLoad cpu;

  private LocalStack(int brokerCount) throws Exception {
    for (int i = 0; i < brokerCount; i++) {
      brokers.add(TestBroker.start());
    }
    dispatcher = Dispatcher.start(TestDispatchers.options());
    for (int i = 0; i < brokerCount; i++) {
      probes.add(
          TestProbe.authenticated(
              dispatcher.probePort(), "broker-" + (i + 1), TestDispatchers.SECRET));
    }
    cpu = new ProcessCpuLoad(brokers.stream().map(TestBroker::pid).toList());
    report();
    reporter.scheduleAtFixedRate(this::report, 500, 500, TimeUnit.MILLISECONDS);
  }

  /** {@code brokerCount} brokers, each with a probe; returns once every broker is usable. */
  public static LocalStack start(int brokerCount) throws Exception {
    LocalStack stack = new LocalStack(brokerCount);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (stack.dispatcher.registry().snapshot().brokers().size() < brokerCount
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return stack;
  }

  private synchronized void report() {
    List<Double> measured = cpu.sampleCpu();
    for (int i = 0; i < brokers.size(); i++) {
      TestBroker m = brokers.get(i);
      Double pinned = pinnedCpu.get(i);
      double load = pinned != null ? pinned : measured.get(i) == null ? 0 : measured.get(i);
      probes
          .get(i)
          .report(
              load, m.isAlive(), Map.of(io.mqttdispatcher.protocol.Transport.MQTT, m.endpoint()));
    }
  }

  /**
   * From now on broker {@code index} reports {@code cpu} instead of its measured CPU; returns once
   * the dispatcher has the report (reports are applied asynchronously).
   */
  public void pinCpu(int index, double cpu) throws InterruptedException {
    pinnedCpu.put(index, cpu);
    report();
    String id = "broker-" + (index + 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      boolean applied =
          dispatcher.registry().snapshot().brokers().stream()
              .anyMatch(b -> b.id().equals(id) && Math.abs(b.cpu() - cpu) < 1e-9);
      if (applied) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(
        "the dispatcher did not take the report of " + id + " within 3 s");
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public HostPort dispatcherAddress() {
    return new HostPort("127.0.0.1", dispatcher.devicePort());
  }

  public HostPort adminAddress() {
    return new HostPort("127.0.0.1", dispatcher.adminPort());
  }

  public TestBroker broker(int index) {
    return brokers.get(index);
  }

  public HostPort brokerAddress(int index) {
    return HostPort.parse(brokers.get(index).endpoint());
  }

  public List<HostPort> brokerAddresses() {
    return brokers.stream().map(m -> HostPort.parse(m.endpoint())).toList();
  }

  @Override
  public void close() {
    reporter.shutdownNow();
    probes.forEach(TestProbe::close);
    dispatcher.close();
    brokers.forEach(TestBroker::close);
  }
}

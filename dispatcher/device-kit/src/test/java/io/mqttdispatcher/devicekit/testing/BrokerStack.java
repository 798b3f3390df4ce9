package io.mqttdispatcher.devicekit.testing;

import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.Transport;
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
 * Real TestBroker brokers and an in-process dispatcher, with one scripted probe per broker that
 * reports every 200 ms the CPU a test pins (0.5 until then) and whether the broker process is
 * alive, so a killed broker is out of the dispatcher's choice within a report.
 */
public final class BrokerStack implements AutoCloseable {
  private final List<TestBroker> brokers = new ArrayList<>();
  private final List<TestProbe> probes = new ArrayList<>();
  private final Map<Integer, Double> pinnedCpu = new ConcurrentHashMap<>();
  private final Dispatcher dispatcher;
  private boolean dispatcherStopped;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

  private BrokerStack(int brokerCount) throws Exception {
    for (int i = 0; i < brokerCount; i++) {
      brokers.add(TestBroker.start());
    }
    dispatcher = Dispatcher.start(TestDispatchers.options());
    for (int i = 0; i < brokerCount; i++) {
      probes.add(TestProbe.authenticated(dispatcher.probePort(), id(i), TestDispatchers.SECRET));
    }
    report();
    reporter.scheduleAtFixedRate(this::report, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** {@code brokerCount} brokers, each with a probe; returns once every broker is usable. */
  public static BrokerStack start(int brokerCount) throws Exception {
    BrokerStack stack = new BrokerStack(brokerCount);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (stack.dispatcher.registry().snapshot().brokers().size() < brokerCount) {
      if (System.nanoTime() > deadline) {
        stack.close();
        throw new IllegalStateException(
            "the dispatcher did not list " + brokerCount + " brokers within 5 s");
      }
      Thread.sleep(20);
    }
    return stack;
  }

  /** The probe id of broker {@code index}. */
  public static String id(int index) {
    return "broker-" + (index + 1);
  }

  private synchronized void report() {
    for (int i = 0; i < brokers.size(); i++) {
      TestBroker m = brokers.get(i);
      probes
          .get(i)
          .report(
              pinnedCpu.getOrDefault(i, 0.5), m.isAlive(), Map.of(Transport.MQTT, m.endpoint()));
    }
  }

  /** From now on broker {@code index} reports {@code cpu}; returns once the dispatcher has it. */
  public void pinCpu(int index, double cpu) throws InterruptedException {
    pinnedCpu.put(index, cpu);
    report();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      boolean applied =
          dispatcher.registry().snapshot().brokers().stream()
              .anyMatch(b -> b.id().equals(id(index)) && Math.abs(b.cpu() - cpu) < 1e-9);
      if (applied) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(
        "the dispatcher did not take the report of " + id(index) + " within 3 s");
  }

  /** Stops the dispatcher now (devices find nothing at its address); {@link #close()} skips it. */
  public synchronized void stopDispatcher() {
    if (!dispatcherStopped) {
      dispatcherStopped = true;
      dispatcher.close();
    }
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** {@code 127.0.0.1:port} of the dispatcher's device listener. */
  public String dispatcherAddress() {
    return "127.0.0.1:" + dispatcher.devicePort();
  }

  public TestBroker broker(int index) {
    return brokers.get(index);
  }

  public Endpoint brokerAddress(int index) {
    return Endpoint.parse(brokers.get(index).endpoint());
  }

  @Override
  public void close() {
    reporter.shutdownNow();
    try {
      reporter.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    probes.forEach(TestProbe::close);
    stopDispatcher();
    brokers.forEach(TestBroker::close);
  }
}

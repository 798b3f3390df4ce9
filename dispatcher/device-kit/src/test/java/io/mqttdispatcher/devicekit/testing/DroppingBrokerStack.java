package io.mqttdispatcher.devicekit.testing;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An in-process dispatcher whose only broker is a {@link DroppingBroker} that drops every device 50
 * ms after accepting it, reported healthy every 200 ms by a scripted probe: the flapping broker of
 * the device kit's backoff tests.
 */
public final class DroppingBrokerStack implements AutoCloseable {
  private final DroppingBroker broker;
  private final Dispatcher dispatcher;
  private final TestProbe probe;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

  private DroppingBrokerStack() throws Exception {
    broker = DroppingBroker.start(Duration.ofMillis(50));
    dispatcher = Dispatcher.start(TestDispatchers.options());
    probe = TestProbe.authenticated(dispatcher.probePort(), "dropping", TestDispatchers.SECRET);
    report();
    reporter.scheduleAtFixedRate(this::report, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Returns once the dispatcher lists the broker. */
  public static DroppingBrokerStack start() throws Exception {
    DroppingBrokerStack stack = new DroppingBrokerStack();
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
    probe.report(0.1, true, Map.of(Transport.MQTT, broker.endpoint()));
  }

  /** {@code 127.0.0.1:port} of the dispatcher's device listener. */
  public String dispatcherAddress() {
    return "127.0.0.1:" + dispatcher.devicePort();
  }

  public DroppingBroker broker() {
    return broker;
  }

  @Override
  public void close() throws Exception {
    reporter.shutdownNow();
    reporter.awaitTermination(2, TimeUnit.SECONDS);
    probe.close();
    dispatcher.close();
    broker.close();
  }
}

package io.mqttdispatcher.devicekit.testing;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Two dispatchers, each told by a misconfigured probe that the other one is a broker: a device that
 * follows their redirects goes round in a loop. The probes report again every 500 ms, so the
 * "brokers" stay fresh however long a device (a child process, say) takes to start.
 */
public final class DispatcherLoop implements AutoCloseable {
  private final Dispatcher a;
  private final Dispatcher b;
  private final TestProbe probeA;
  private final TestProbe probeB;
  private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

  private DispatcherLoop() throws Exception {
    a = Dispatcher.start(TestDispatchers.options());
    b = Dispatcher.start(TestDispatchers.options());
    probeA = TestProbe.authenticated(a.probePort(), "not-a-broker", TestDispatchers.SECRET);
    probeB = TestProbe.authenticated(b.probePort(), "not-a-broker", TestDispatchers.SECRET);
    reporter.scheduleAtFixedRate(
        () -> {
          probeA.report(0.1, "127.0.0.1:" + b.devicePort());
          probeB.report(0.1, "127.0.0.1:" + a.devicePort());
        },
        0,
        500,
        TimeUnit.MILLISECONDS);
  }

  /** Starts both; returns once each lists the other as a broker (at most 5 s). */
  public static DispatcherLoop start() throws Exception {
    DispatcherLoop loop = new DispatcherLoop();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(listsABroker(loop.a) && listsABroker(loop.b))) {
      if (System.nanoTime() > deadline) {
        loop.close();
        throw new IllegalStateException(
            "the looping dispatchers did not list each other within 5 s");
      }
      Thread.sleep(20);
    }
    return loop;
  }

  private static boolean listsABroker(Dispatcher d) {
    return !d.registry().snapshot().brokers().isEmpty();
  }

  /** {@code 127.0.0.1:port} of the first dispatcher's device listener: where a device starts. */
  public String entry() {
    return "127.0.0.1:" + a.devicePort();
  }

  /** The path a device goes round: first dispatcher, second, first again. */
  public String path() {
    return entry() + " -> 127.0.0.1:" + b.devicePort() + " -> " + entry();
  }

  @Override
  public void close() throws InterruptedException {
    reporter.shutdownNow();
    reporter.awaitTermination(2, TimeUnit.SECONDS);
    probeA.close();
    probeB.close();
    b.close();
    a.close();
  }
}

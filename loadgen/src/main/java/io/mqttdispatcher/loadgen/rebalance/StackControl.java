package io.mqttdispatcher.loadgen.rebalance;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.ctl.AdminClient;
import io.mqttdispatcher.loadgen.demo.DemoStack;
import io.mqttdispatcher.loadgen.demo.ProbeConnections;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The scenario's hands on a running stack: each replica's admin API with the stack's token, what
 * each replica knows of the brokers' connection counts, and bounded waits.
 */
final class StackControl {
  private static final Duration POLL = Duration.ofMillis(100);

  private final DemoStack stack;
  private final List<AdminClient> admins = new ArrayList<>();
  private final List<ProbeConnections> reported = new ArrayList<>();

  StackControl(DemoStack stack) throws IOException {
    this.stack = stack;
    byte[] token = stack.adminToken();
    for (HostPort a : stack.admins()) {
      admins.add(new AdminClient(URI.create("http://" + a), token, AdminClient.DEFAULT_TIMEOUT));
      reported.add(new ProbeConnections(a, stack.brokers()));
    }
  }

  DemoStack stack() {
    return stack;
  }

  /** Replica {@code r}'s admin API (0-based). */
  AdminClient admin(int r) {
    return admins.get(r);
  }

  /** The last replica: the one a scenario asks for status, to see the plan agreed everywhere. */
  AdminClient lastAdmin() {
    return admins.get(admins.size() - 1);
  }

  int replicas() {
    return admins.size();
  }

  /** {@code broker-N}, the id the stack's probes give broker {@code index} (0-based). */
  static String brokerId(int index) {
    return "broker-" + (index + 1);
  }

  /** The 0-based index of {@code broker-N}, or -1 for an id the stack did not give. */
  static int brokerIndex(String id) {
    if (id.startsWith("broker-")) {
      try {
        return Integer.parseInt(id.substring("broker-".length())) - 1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** Posts {@code body} to replica {@code r}; throws with the API's error unless it answers 2xx. */
  JsonObject post(int r, String path, @Nullable JsonObject body) {
    AdminClient.Response response = admin(r).post(path, body);
    if (!response.ok()) {
      throw new IllegalStateException("POST " + path + ": " + response.error());
    }
    return response.body();
  }

  /**
   * Waits until every replica's view of each broker's connections (its probe's {@code $SYS} count)
   * equals {@code expected} (null: the broker must be unknown or anything); false on timeout.
   */
  boolean awaitReported(IntFunction<@Nullable Long> expected, Duration timeout)
      throws InterruptedException {
    return await(
        () -> {
          for (ProbeConnections p : reported) {
            List<@Nullable Long> counts = p.sample();
            for (int b = 0; b < counts.size(); b++) {
              Long want = expected.apply(b);
              if (want != null && !want.equals(counts.get(b))) {
                return false;
              }
            }
          }
          return true;
        },
        timeout);
  }

  /** What replica 0 knows of broker {@code b}'s connections now; null when unknown. */
  @Nullable Long reported(int b) {
    return reported.get(0).sample().get(b);
  }

  /**
   * Polls {@code condition} every 100 ms until it holds (true) or {@code timeout} passes (false).
   */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}

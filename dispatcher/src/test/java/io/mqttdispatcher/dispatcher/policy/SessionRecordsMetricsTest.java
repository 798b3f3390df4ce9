package io.mqttdispatcher.dispatcher.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the dispatcher's metrics show of the session records (package access to their clock). */
class SessionRecordsMetricsTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  /** The table's clock for its sweeps, moved by the test. */
  private final AtomicLong clock = new AtomicLong();

  @Test
  void metrics_show_records_held_and_evictions_by_cause() {
    SessionRecords small = new SessionRecords(10, clock::get);
    for (int i = 0; i < 25; i++) {
      small.record("device-" + i, "b1", i < 5 ? 60 : 3600, 0);
    }
    clock.set(61 * S);
    small.cleanUp();
    DispatcherMetrics metrics = new DispatcherMetrics("0x9c");

    metrics.sessionRecords(small);

    String scrape = metrics.scrape();
    assertThat(scrape).contains("dispatcher_session_records " + small.size() + ".0");
    assertThat(scrape)
        .contains(
            "dispatcher_session_records_evicted_total{cause=\"size\"} "
                + small.evictedBySize()
                + ".0");
    assertThat(scrape)
        .contains(
            "dispatcher_session_records_evicted_total{cause=\"expiry\"} "
                + small.evictedByExpiry()
                + ".0");
    assertThat(small.evictedBySize() + small.evictedByExpiry()).isEqualTo(15);
    assertThat(small.size()).isEqualTo(10);
  }
}

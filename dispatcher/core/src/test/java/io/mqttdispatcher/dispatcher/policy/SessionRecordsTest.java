package io.mqttdispatcher.dispatcher.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionRecordsTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  /** Caffeine's clock, moved by the test along with the policy clock. */
  private final AtomicLong clock = new AtomicLong();

  private final SessionRecords records = new SessionRecords(1000, clock::get);

  @Test
  void a_full_table_keeps_recording_new_devices_and_counts_what_it_evicts() {
    for (int i = 0; i < 10_000; i++) {
      records.record("device-" + i, "b" + (i % 3), 3600, 0);
      records.cleanUp();
      // The newest device always holds a record, however many came before it.
      assertThat(records.brokerOf("device-" + i, S)).isEqualTo("b" + (i % 3));
    }

    assertThat(records.size()).isEqualTo(1000);
    assertThat(records.evictedBySize()).isEqualTo(9000);
    assertThat(records.evictedByExpiry()).isZero();
  }

  @Test
  void a_device_that_keeps_returning_keeps_its_record_through_a_flood_of_new_ids() {
    records.record("regular", "b1", 3600, 0);
    for (int i = 0; i < 20_000; i++) {
      if (i % 100 == 0) {
        assertThat(records.brokerOf("regular", S)).isEqualTo("b1");
        records.record("regular", "b1", 3600, 0);
      }
      records.record("flood-" + i, "b2", 3600, 0);
    }
    records.cleanUp();

    assertThat(records.brokerOf("regular", S)).isEqualTo("b1");
    assertThat(records.size()).isEqualTo(1000);
  }

  @Test
  void a_record_lives_as_long_as_its_session_then_is_evicted_as_expired() {
    for (int i = 0; i < 100; i++) {
      records.record("short-" + i, "b1", 60, 0);
      records.record("long-" + i, "b1", 3600, 0);
    }

    clock.set(61 * S);
    assertThat(records.brokerOf("short-0", 61 * S)).isNull(); // on the policy's clock at once
    assertThat(records.brokerOf("long-0", 61 * S)).isEqualTo("b1");
    records.cleanUp();

    assertThat(records.evictedByExpiry()).isEqualTo(100);
    assertThat(records.size()).isEqualTo(100);
    assertThat(records.evictedBySize()).isZero();
  }

  @Test
  void a_returning_device_starts_its_session_lifetime_again() {
    records.record("device", "b1", 60, 0);
    clock.set(50 * S);
    records.record("device", "b1", 60, 50 * S);

    clock.set(100 * S);
    records.cleanUp();

    assertThat(records.brokerOf("device", 100 * S)).isEqualTo("b1");
    assertThat(records.evictedByExpiry()).isZero();
  }
}

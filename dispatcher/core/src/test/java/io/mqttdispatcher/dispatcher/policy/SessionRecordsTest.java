package io.mqttdispatcher.dispatcher.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionRecordsTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  /** The table's clock for its sweeps, moved by the test along with the policy clock. */
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

  @Test
  void a_full_bucket_gives_the_slot_of_its_least_recently_written_record() {
    SessionRecords one = new SessionRecords(SessionRecords.WAYS, clock::get); // one bucket
    for (int i = 0; i < SessionRecords.WAYS; i++) {
      one.record("device-" + i, "b1", 3600, 0);
    }
    one.record("device-0", "b2", 3600, 0); // device-1 is now the least recently written

    one.record("newcomer", "b3", 3600, 0);

    assertThat(one.brokerOf("device-1", S)).isNull();
    assertThat(one.brokerOf("device-0", S)).isEqualTo("b2");
    assertThat(one.brokerOf("newcomer", S)).isEqualTo("b3");
    for (int i = 2; i < SessionRecords.WAYS; i++) {
      assertThat(one.brokerOf("device-" + i, S)).isEqualTo("b1");
    }
    assertThat(one.evictedBySize()).isEqualTo(1);
  }

  @Test
  void an_expired_record_gives_its_slot_before_any_live_one() {
    SessionRecords one = new SessionRecords(SessionRecords.WAYS, clock::get);
    one.record("short", "b1", 60, 0);
    for (int i = 1; i < SessionRecords.WAYS; i++) {
      one.record("device-" + i, "b1", 3600, 0);
    }

    one.record("newcomer", "b2", 3600, 61 * S);

    assertThat(one.brokerOf("newcomer", 61 * S)).isEqualTo("b2");
    for (int i = 1; i < SessionRecords.WAYS; i++) {
      assertThat(one.brokerOf("device-" + i, 61 * S)).isEqualTo("b1");
    }
    assertThat(one.evictedByExpiry()).isEqualTo(1);
    assertThat(one.evictedBySize()).isZero();
  }

  @Test
  void a_table_of_no_records_keeps_none() {
    SessionRecords none = new SessionRecords(0, clock::get);

    none.record("device", "b1", 3600, 0);

    assertThat(none.brokerOf("device", S)).isNull();
    assertThat(none.size()).isZero();
  }

  @Test
  void readers_never_see_a_record_half_written_by_concurrent_writers() throws Exception {
    // Few slots, many ids: writers keep replacing each other's records in the same buckets while
    // readers look. A record read must be one that was written for that id: device-i only ever
    // goes to broker "b" + (i % 7).
    SessionRecords small = new SessionRecords(64, clock::get);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      boolean writer = t % 2 == 0;
      int seed = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (int n = 0; n < 300_000; n++) {
                    int i = (n * 31 + seed) % 1000;
                    String id = "device-" + i;
                    if (writer) {
                      small.record(id, "b" + (i % 7), 3600, 0);
                    } else {
                      String broker = small.brokerOf(id, S);
                      if (broker != null && !broker.equals("b" + (i % 7))) {
                        throw new AssertionError(id + " read as sent to " + broker);
                      }
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }

    assertThat(failure.get()).isNull();
    assertThat(small.size()).isEqualTo(64);
  }
}

package io.mqttdispatcher.dispatcher.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DeviceTableTest {
  private static void record(DeviceTable table, String clientId, String broker) {
    table.record(clientId, broker, "default", null, 1_000L);
  }

  private static @Nullable String brokerOf(DeviceTable table, String clientId) {
    DeviceTable.Sent sent = table.lookup(clientId);
    return sent == null ? null : sent.broker();
  }

  @Test
  void a_device_is_found_where_it_was_last_sent() {
    DeviceTable table = new DeviceTable(1_000);
    record(table, "a-17", "b1");
    record(table, "a-17", "b2");

    assertThat(brokerOf(table, "a-17")).isEqualTo("b2");
    assertThat(table.lookup("a-18")).isNull();
  }

  @Test
  void an_empty_client_id_is_not_kept() {
    DeviceTable table = new DeviceTable(10);
    record(table, "", "b1");

    assertThat(table.lookup("")).isNull();
  }

  @Test
  void a_device_never_finds_another_devices_record_in_its_slot() {
    DeviceTable table = new DeviceTable(1); // every id shares the one slot
    record(table, "a", "b1");
    record(table, "b", "b2");

    assertThat(table.lookup("a")).isNull();
    assertThat(brokerOf(table, "b")).isEqualTo("b2");
  }

  /**
   * A fleet of devices that each connect once (a million new ids into 100,000 slots): the newest
   * ones are what a lookup asks for, and what the table keeps.
   */
  @Test
  void after_a_million_new_ids_the_most_recent_devices_are_found() {
    int slots = 100_000;
    int ids = 1_000_000;
    DeviceTable table = new DeviceTable(slots);
    for (int i = 0; i < ids; i++) {
      record(table, id(i), "b" + (i % 3));
    }

    assertThat(found(table, ids - 1_000, ids)).as("of the last 1,000").isGreaterThan(0.98);
    assertThat(found(table, ids - slots, ids)).as("of the last 100,000").isBetween(0.60, 0.66);
    assertThat(found(table, 0, slots)).as("of the first 100,000").isLessThan(0.001); // e^-9
    assertThat(brokerOf(table, id(ids - 1))).isEqualTo("b0");
  }

  @Test
  void a_table_without_slots_is_refused() {
    assertThatThrownBy(() -> new DeviceTable(0)).hasMessageContaining("at least 1");
  }

  @Test
  void a_record_keeps_its_group_rule_and_time() {
    DeviceTable table = new DeviceTable(1_000);
    table.record("a-17", "b1", "eu", "by-prefix", 1_234L);
    table.record("a-18", "b2", "us", null, 5_678L);

    assertThat(table.lookup("a-17"))
        .isEqualTo(new DeviceTable.Sent("a-17", "b1", "eu", "by-prefix", 1_234L));
    assertThat(table.lookup("a-18"))
        .isEqualTo(new DeviceTable.Sent("a-18", "b2", "us", null, 5_678L));
  }

  @Test
  void readers_never_see_a_slot_half_written_by_concurrent_writers() throws Exception {
    // Few slots, many ids: writers keep overwriting each other while readers look. A record read
    // must be one written for that id: device i only ever goes to broker "b" + (i % 7), group
    // "g" + (i % 5), at time i.
    DeviceTable table = new DeviceTable(16);
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
                    int i = (n * 31 + seed) % 500;
                    if (writer) {
                      table.record(id(i), "b" + (i % 7), "g" + (i % 5), null, i);
                    } else {
                      DeviceTable.Sent sent = table.lookup(id(i));
                      if (sent != null
                          && !sent.equals(
                              new DeviceTable.Sent(id(i), "b" + (i % 7), "g" + (i % 5), null, i))) {
                        throw new AssertionError(id(i) + " read as " + sent);
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
  }

  private static double found(DeviceTable table, int from, int to) {
    int hits = 0;
    for (int i = from; i < to; i++) {
      if (table.lookup(id(i)) != null) {
        hits++;
      }
    }
    return hits / (double) (to - from);
  }

  private static String id(int i) {
    return "dev" + (10_000_000_000L + i); // the ids connflood gives a fleet: a prefix and a number
  }
}

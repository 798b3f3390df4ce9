package io.mqttdispatcher.dispatcher.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

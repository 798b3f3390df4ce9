package io.mqttdispatcher.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LoadHistoryTest {
  private static BrokerView broker(String id, long connections, double meanCpu, boolean draining) {
    return new BrokerView(
        id,
        Map.of(Transport.MQTT, "127.0.0.1:1883"),
        meanCpu,
        meanCpu,
        0.1,
        connections < 0 ? OptionalLong.empty() : OptionalLong.of(connections),
        OptionalDouble.of(5),
        1,
        true,
        draining,
        0);
  }

  @Test
  void keeps_only_the_newest_samples_up_to_its_capacity() {
    LoadHistory history = new LoadHistory(3, Duration.ofSeconds(1));
    for (int i = 1; i <= 5; i++) {
      BrokerView a = broker("a", 10L * i, 0.1 * i, false);
      history.record(1000L * i, List.of(a), List.of(a), id -> 0);
    }

    JsonObject json = history.toJson(0);
    assertThat(history.size()).isEqualTo(3);
    assertThat(json.getJsonArray("t").getList()).containsExactly(3000L, 4000L, 5000L);
    assertThat(
            json.getJsonObject("brokers").getJsonObject("a").getJsonArray("connections").getList())
        .containsExactly(30L, 40L, 50L);
    assertThat(json.getInteger("capacity")).isEqualTo(3);
    assertThat(json.getLong("intervalMs")).isEqualTo(1000);
  }

  @Test
  void since_returns_only_newer_samples() {
    LoadHistory history = new LoadHistory(10, Duration.ofSeconds(1));
    BrokerView a = broker("a", 1, 0.5, false);
    history.record(1000, List.of(a), List.of(a), id -> 7);
    history.record(2000, List.of(a), List.of(a), id -> 9);

    JsonObject json = history.toJson(1000);
    assertThat(json.getJsonArray("t").getList()).containsExactly(2000L);
    assertThat(json.getJsonObject("brokers").getJsonObject("a").getJsonArray("redirects").getList())
        .containsExactly(9L);
    assertThat(history.toJson(2000).getJsonArray("t")).isEmpty();
  }

  @Test
  void a_broker_absent_from_a_sample_has_nulls_there_and_unknown_counts_are_null() {
    LoadHistory history = new LoadHistory(10, Duration.ofSeconds(1));
    BrokerView a = broker("a", 5, 0.2, false);
    BrokerView b = broker("b", -1, 0.4, true);
    history.record(1000, List.of(a), List.of(a), id -> 0);
    history.record(2000, List.of(a, b), List.of(a), id -> 0);
    history.record(3000, List.of(a), List.of(a), id -> 0);

    JsonObject bs = history.toJson(0).getJsonObject("brokers").getJsonObject("b");
    assertThat(bs.getJsonArray("meanCpu").getList()).containsExactly(null, 0.4, null);
    assertThat(bs.getJsonArray("connections").getList()).containsExactly(null, null, null);
    assertThat(bs.getJsonArray("state").getList()).containsExactly(null, "draining", null);
  }

  @Test
  void refuses_a_capacity_too_small_to_draw() {
    assertThatThrownBy(() -> new LoadHistory(1, Duration.ofSeconds(1)))
        .hasMessageContaining("at least 2");
  }
}

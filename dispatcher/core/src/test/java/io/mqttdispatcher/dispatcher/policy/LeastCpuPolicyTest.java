package io.mqttdispatcher.dispatcher.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.Transport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LeastCpuPolicyTest {
  private static final ConnectFacts FACTS = new ConnectFacts("dev", Transport.MQTT, true, 0);
  private final LeastCpuPolicy policy = new LeastCpuPolicy();

  static BrokerView broker(String id, double meanCpu) {
    return new BrokerView(
        id,
        Map.of(Transport.MQTT, id + ":1883"),
        meanCpu,
        meanCpu,
        0.1,
        OptionalLong.empty(),
        OptionalDouble.empty(),
        1,
        true,
        false,
        0);
  }

  @Test
  void picks_the_lowest_mean_cpu() {
    BrokerView chosen =
        policy.choose(List.of(broker("a", 0.7), broker("b", 0.2), broker("c", 0.5)), FACTS, 0);

    assertThat(chosen.id()).isEqualTo("b");
  }

  @Test
  void nothing_to_choose_from_gives_null() {
    assertThat(policy.choose(List.of(), FACTS, 0)).isNull();
  }

  @Test
  void ties_are_broken_at_random_among_the_tied_only() {
    List<BrokerView> brokers = List.of(broker("a", 0.30), broker("b", 0.302), broker("c", 0.9));
    Map<String, Integer> counts = new HashMap<>();

    for (int i = 0; i < 2000; i++) {
      counts.merge(policy.choose(brokers, FACTS, 0).id(), 1, Integer::sum);
    }

    assertThat(counts).doesNotContainKey("c");
    assertThat(counts.get("a")).isBetween(800, 1200);
    assertThat(counts.get("b")).isBetween(800, 1200);
  }

  @Test
  void a_small_difference_beyond_the_tolerance_is_not_a_tie() {
    List<BrokerView> brokers =
        List.of(broker("a", 0.30), broker("b", 0.30 + 2 * LeastCpuPolicy.TIE_TOLERANCE));

    for (int i = 0; i < 100; i++) {
      assertThat(policy.choose(brokers, FACTS, 0).id()).isEqualTo("a");
    }
  }
}

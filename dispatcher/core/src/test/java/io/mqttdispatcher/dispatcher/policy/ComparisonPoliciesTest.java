package io.mqttdispatcher.dispatcher.policy;

import static io.mqttdispatcher.dispatcher.policy.Brokers.broker;
import static io.mqttdispatcher.dispatcher.policy.Brokers.clean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The policies kept for comparison, and choosing a policy by name. */
class ComparisonPoliciesTest {
  private final List<BrokerView> brokers =
      List.of(broker("a", 0.9), broker("b", 0.1), broker("c", 0.5));

  @Test
  void round_robin_cycles_through_the_brokers_ignoring_load() {
    RoundRobinPolicy p = new RoundRobinPolicy();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.add(p.choose(brokers, clean("d"), 0).id());
    }
    assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void random_uses_every_broker() {
    RandomPolicy p = new RandomPolicy();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(p.choose(brokers, clean("d"), 0).id(), 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
  }

  @Test
  void least_connections_counts_clients_per_capacity() {
    BrokerView crowded = broker("crowded", 0.1, 0.1, OptionalLong.of(500), 1);
    BrokerView big = broker("big", 0.9, 0.1, OptionalLong.of(800), 2);
    assertThat(new LeastConnectionsPolicy().choose(List.of(crowded, big), clean("d"), 0).id())
        .isEqualTo("big");
  }

  @Test
  void policies_by_name() {
    for (PolicyName name : PolicyName.values()) {
      assertThat(PolicyName.parse(name.optionName())).isEqualTo(name);
      assertThat(name.create(Duration.ofSeconds(5)).choose(brokers, clean("d"), 0)).isNotNull();
    }
    assertThat(PolicyName.parse("least-load")).isEqualTo(PolicyName.LEAST_LOAD);
    assertThatThrownBy(() -> PolicyName.parse("fastest"))
        .hasMessageContaining("least-load, least-cpu");
  }
}

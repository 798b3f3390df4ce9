package io.mqttdispatcher.dispatcher.policy;

import static io.mqttdispatcher.dispatcher.policy.Brokers.broker;
import static io.mqttdispatcher.dispatcher.policy.Brokers.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BoundedLoadTest {
  private static final long S = 1_000_000_000L;
  private final BoundedLoad bound = new BoundedLoad(0.25);

  @Test
  void devices_that_hash_to_a_hot_broker_go_elsewhere_and_the_others_stay() {
    List<BrokerView> cool = List.of(broker("a", 0.3), broker("b", 0.3), broker("c", 0.3));
    List<BrokerView> hot =
        List.of(broker("a", 0.3), broker("b", 0.3), broker("c", 0.9)); // mean 0.5, bound 0.625
    int toHot = 0;
    for (int i = 0; i < 3000; i++) {
      String id = "dev" + i;
      BrokerView unbounded = BoundedLoad.NONE.place(hot, id);
      BrokerView placed = bound.place(hot, id);
      assertThat(placed.id()).isNotEqualTo("c");
      if (unbounded.id().equals("c")) {
        toHot++;
        // The next broker of its own ranking: the ranking without c.
        assertThat(placed).isEqualTo(BoundedLoad.NONE.place(hot.subList(0, 2), id));
      } else {
        assertThat(placed).isEqualTo(unbounded);
      }
      assertThat(bound.place(cool, id).id())
          .isEqualTo(unbounded.id()); // balanced: the hash decides
    }
    assertThat(toHot).isBetween(800, 1200);
  }

  @Test
  void the_bound_follows_the_capacity_weighted_mean() {
    // Mean utilisation (0.2*1 + 0.2*1 + 0.6*2) / 4 = 0.4; bound 0.5: the big broker at 0.6 is above
    // it.
    List<BrokerView> brokers =
        List.of(
            broker("a", 0.2), broker("b", 0.2), broker("big", 0.6, 0.1, OptionalLong.empty(), 2));

    assertThat(bound.limit(brokers)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    for (int i = 0; i < 500; i++) {
      assertThat(bound.place(brokers, "dev" + i).id()).isNotEqualTo("big");
    }
  }

  @Test
  void near_idle_brokers_are_not_skipped_for_noise() {
    List<BrokerView> idle =
        List.of(broker("a", 0.01), broker("b", 0.02), broker("c", 0.06)); // c is 2x the mean

    for (int i = 0; i < 500; i++) {
      assertThat(bound.place(idle, "dev" + i)).isEqualTo(BoundedLoad.NONE.place(idle, "dev" + i));
    }
  }

  @Test
  void replicas_agree_and_a_returning_device_keeps_its_broker_when_it_gets_hot() {
    List<BrokerView> cool = List.of(broker("a", 0.3), broker("b", 0.3), broker("c", 0.3));
    List<BrokerView> hot = List.of(broker("c", 0.9), broker("b", 0.3), broker("a", 0.3));
    SessionAffinityPolicy one =
        new SessionAffinityPolicy(new LeastCpuPolicy(), new SessionRecords(1000), bound);
    SessionAffinityPolicy two =
        new SessionAffinityPolicy(new LeastCpuPolicy(), new SessionRecords(1000), bound);
    for (int i = 0; i < 300; i++) {
      String id = "dev" + i;
      BrokerView first = one.choose(cool, session(id), 0);

      // Another replica, without a record, with the same reports, in another order: the same
      // broker.
      assertThat(two.choose(List.of(cool.get(2), cool.get(0), cool.get(1)), session(id), 0))
          .isEqualTo(first);
      // Its broker got hot since: the device returns to its session all the same.
      assertThat(one.choose(hot, session(id), S).id()).isEqualTo(first.id());
    }
  }

  @Test
  void a_negative_epsilon_is_refused() {
    assertThatThrownBy(() -> new BoundedLoad(-0.1)).hasMessageContaining("--affinity-epsilon");
    assertThatThrownBy(() -> new BoundedLoad(Double.NaN))
        .hasMessageContaining("--affinity-epsilon");
  }
}

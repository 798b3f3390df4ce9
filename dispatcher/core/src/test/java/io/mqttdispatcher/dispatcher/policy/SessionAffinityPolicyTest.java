package io.mqttdispatcher.dispatcher.policy;

import static io.mqttdispatcher.dispatcher.policy.Brokers.broker;
import static io.mqttdispatcher.dispatcher.policy.Brokers.clean;
import static io.mqttdispatcher.dispatcher.policy.Brokers.session;
import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SessionAffinityPolicyTest {
  private static final long S = 1_000_000_000L;
  private final BrokerView a = broker("a", 0.9);
  private final BrokerView b = broker("b", 0.1);
  private final BrokerView c = broker("c", 0.5);

  /**
   * The load policy would always choose the idlest, b; session devices are placed by hash alone.
   */
  private final SessionAffinityPolicy policy = hashOnly(1000);

  @Test
  void device_without_session_goes_where_the_load_policy_says() {
    for (int i = 0; i < 20; i++) {
      assertThat(policy.choose(List.of(a, b, c), clean("dev" + i), 0)).isEqualTo(b);
    }
    assertThat(policy.choose(List.of(a, b, c), new ConnectFacts("", Transport.MQTT, false, 0), 0))
        .isEqualTo(b);
    assertThat(policy.records().size()).isZero();
  }

  @Test
  void session_devices_are_placed_alike_by_every_replica_and_return_to_their_broker() {
    SessionAffinityPolicy otherReplica = hashOnly(1000);
    for (int i = 0; i < 50; i++) {
      BrokerView first = policy.choose(List.of(a, b, c), session("dev" + i), 0);
      assertThat(otherReplica.choose(List.of(c, a, b), session("dev" + i), 0)).isEqualTo(first);
      assertThat(policy.choose(List.of(a, b, c), session("dev" + i), S)).isEqualTo(first);
    }
  }

  @Test
  void recorded_device_keeps_its_broker_when_brokers_join() {
    Map<String, BrokerView> placed = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      placed.put("dev" + i, policy.choose(List.of(a, b), session("dev" + i), 0));
    }
    BrokerView joined = broker("d", 0.0);

    for (int i = 0; i < 200; i++) {
      assertThat(policy.choose(List.of(a, b, joined), session("dev" + i), S))
          .isEqualTo(placed.get("dev" + i));
    }
  }

  @Test
  void device_whose_broker_is_gone_is_placed_anew() {
    String device = null;
    for (int i = 0; device == null; i++) {
      if (policy.choose(List.of(a, b), session("dev" + i), 0) == a) {
        device = "dev" + i;
      }
    }

    assertThat(policy.choose(List.of(b, c), session(device), S)).isIn(b, c);
  }

  @Test
  void hashing_spreads_by_capacity() {
    BrokerView big = broker("big", 0.1, 0.1, OptionalLong.empty(), 2);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      counts.merge(
          SessionAffinityPolicy.rendezvous(List.of(a, b, big), "device-" + i).id(),
          1,
          Integer::sum);
    }

    assertThat(counts.get("a")).isBetween(850, 1150); // a quarter each
    assertThat(counts.get("b")).isBetween(850, 1150);
    assertThat(counts.get("big")).isBetween(1800, 2200); // half
  }

  @Test
  void a_full_table_still_records_new_devices() {
    SessionAffinityPolicy small = hashOnly(10);
    for (int i = 0; i < 10; i++) {
      small.choose(List.of(a, b, c), session("old" + i), 0);
    }
    small.records().cleanUp();

    BrokerView placed = small.choose(List.of(a, b), session("new"), S);
    small.records().cleanUp();

    // Were it not recorded, a joining broker could take the device away from its session.
    assertThat(
            small.choose(List.of(a, b, broker("d", 0.0), broker("e", 0.0)), session("new"), 2 * S))
        .isEqualTo(placed);
    assertThat(small.records().brokerOf("new", 2 * S)).isEqualTo(placed.id());
    assertThat(small.records().size()).isEqualTo(10);
  }

  @Test
  void expired_records_make_room() {
    SessionAffinityPolicy small = hashOnly(10);
    for (int i = 0; i < 10; i++) {
      small.choose(List.of(a, b), new ConnectFacts("old" + i, Transport.MQTT, true, 60), 0);
    }

    small.choose(List.of(a, b), session("new"), 61 * S);

    assertThat(small.records().brokerOf("old0", 61 * S)).isNull();
    assertThat(small.records().brokerOf("new", 61 * S)).isNotNull();
  }

  @Test
  void in_a_cluster_group_session_devices_go_where_the_load_policy_says() {
    BrokerView n1 = inGroup(a, "eu", true);
    BrokerView n2 = inGroup(b, "eu", true);
    BrokerView n3 = inGroup(c, "eu", true);
    for (int i = 0; i < 20; i++) {
      assertThat(policy.choose(List.of(n1, n2, n3), session("dev" + i), 0)).isEqualTo(n2);
    }
    assertThat(policy.records().size()).as("no node holds a session of its own").isZero();

    // independent brokers, a mixed group, or several groups: sessions stay put
    BrokerView independent = inGroup(c, "eu", false);
    assertThat(SessionAffinityPolicy.sharesSessions(List.of(n1, n2, independent))).isFalse();
    assertThat(SessionAffinityPolicy.sharesSessions(List.of(n1, inGroup(b, "us", true)))).isFalse();
    assertThat(SessionAffinityPolicy.sharesSessions(List.of(a, b))).isFalse();
    assertThat(SessionAffinityPolicy.sharesSessions(List.of())).isFalse();
    int notLeastLoaded = 0;
    for (int i = 0; i < 20; i++) {
      if (!policy.choose(List.of(n1, n2, independent), session("dev" + i), 0).equals(n2)) {
        notLeastLoaded++;
      }
    }
    assertThat(notLeastLoaded).as("placed by hash, not by load").isPositive();
  }

  private static BrokerView inGroup(BrokerView v, String group, boolean cluster) {
    return new BrokerView(
        v.id(),
        v.endpoints(),
        v.meanCpu(),
        v.cpu(),
        v.mem(),
        v.connections(),
        v.msgRate(),
        v.capacity(),
        v.healthy(),
        v.draining(),
        v.reportedAtNanos(),
        new BrokerGroup(group, cluster));
  }

  private static SessionAffinityPolicy hashOnly(int maxRecords) {
    return new SessionAffinityPolicy(
        new LeastCpuPolicy(),
        // The table's sweeps run on the policy's clock; these tests move it by hand, so the sweeps
        // see it stand still rather than read the system's.
        new SessionRecords(maxRecords, () -> 0),
        BoundedLoad.NONE);
  }
}

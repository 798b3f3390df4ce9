package io.mqttdispatcher.dispatcher.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Rule matching, field by field, and the hash's answers. */
class RoutingTableTest {
  private static final long NOW = 1_000_000_000L;

  static BrokerView broker(String id, String group) {
    return new BrokerView(
        id,
        Map.of(Transport.MQTT, id + ":1883"),
        0.1,
        0.1,
        0.1,
        OptionalLong.empty(),
        OptionalDouble.empty(),
        1,
        true,
        false,
        NOW,
        new BrokerGroup(group, false));
  }

  static BrokerSnapshot snapshot(BrokerView... brokers) {
    return new BrokerSnapshot(List.of(brokers), Duration.ofSeconds(3).toNanos());
  }

  private static final BrokerSnapshot TWO_GROUPS =
      snapshot(broker("a1", "a"), broker("b1", "b"), broker("c1", "c"));

  private static ConnectFacts device(String clientId) {
    return ConnectFacts.of(clientId, Transport.MQTT);
  }

  private static String group(RoutingTable t, ConnectFacts d) {
    return t.route(d, TWO_GROUPS, NOW).group();
  }

  @Test
  void client_id_prefix_regex_and_equals() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse(
            """
        rules:
          - {match: {clientId: {prefix: "a-"}}, group: a}
          - {match: {clientId: {regex: "b[0-9]+"}}, group: b}
          - {match: {clientId: exact}, group: c}
        """);

    assertThat(group(t, device("a-1"))).isEqualTo("a");
    assertThat(group(t, device("b42"))).isEqualTo("b");
    assertThat(group(t, device("xb42"))).as("a regex matches the whole id").isNull();
    assertThat(group(t, device("exact"))).isEqualTo("c");
    assertThat(group(t, device("exactly"))).isNull();
    assertThat(t.refusedCount()).isEqualTo(2);
    assertThat(t.rules()).extracting(Rule::hits).containsExactly(1L, 1L, 1L);
  }

  @Test
  void first_matching_rule_wins_and_unmatched_devices_go_to_the_default() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse(
            """
        default: c
        rules:
          - {match: {clientId: {prefix: "a"}}, group: a}
          - {match: {clientId: {prefix: "ab"}}, group: b}
        """);

    assertThat(group(t, device("abc"))).isEqualTo("a");
    Route r = t.route(device("zzz"), TWO_GROUPS, NOW);
    assertThat(r.group()).isEqualTo("c");
    assertThat(r.ruleName()).isEqualTo("default");
    assertThat(t.defaultHits()).isEqualTo(1);
  }

  @Test
  void username_needs_a_username() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse("rules:\n  - {match: {username: {prefix: eu-}}, group: a}\n");

    assertThat(group(t, new ConnectFacts("d", Transport.MQTT, true, 0, "eu-7", null, List.of())))
        .isEqualTo("a");
    assertThat(group(t, new ConnectFacts("d", Transport.MQTT, true, 0, "us-7", null, List.of())))
        .isNull();
    assertThat(group(t, device("d"))).as("no user name in the CONNECT").isNull();
  }

  @Test
  void transport_is_the_listener_the_device_came_in_on() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse("rules:\n  - {match: {transport: [ws, wss]}, group: a}\n");

    assertThat(group(t, ConnectFacts.of("d", Transport.WS))).isEqualTo("a");
    assertThat(group(t, ConnectFacts.of("d", Transport.MQTT))).isNull();
  }

  @Test
  void source_address_in_any_of_the_networks() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse(
            "rules:\n  - {match: {source: [10.1.0.0/16, 'fd00::/8', 192.168.1.7]}, group: a}\n");

    assertThat(group(t, from("10.1.200.3"))).isEqualTo("a");
    assertThat(group(t, from("10.2.0.1"))).isNull();
    assertThat(group(t, from("fd12::1"))).isEqualTo("a");
    assertThat(group(t, from("192.168.1.7"))).isEqualTo("a");
    assertThat(group(t, from("192.168.1.8"))).isNull();
    assertThat(group(t, device("d"))).as("address unknown").isNull();
  }

  @Test
  void user_properties_any_value_of_the_name_may_pass() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse(
            """
        rules:
          - match:
              userProperties: {tenant: acme, region: {prefix: eu}}
            group: a
        """);

    assertThat(group(t, props("tenant", "acme", "region", "eu-west"))).isEqualTo("a");
    assertThat(group(t, props("region", "us", "tenant", "acme", "region", "eu-1"))).isEqualTo("a");
    assertThat(group(t, props("tenant", "acme"))).as("every named property must pass").isNull();
    assertThat(group(t, props("tenant", "ACME", "region", "eu"))).isNull();
  }

  @Test
  void hash_spreads_over_the_listed_groups_and_skips_a_group_without_usable_brokers()
      throws Exception {
    RoutingTable t = RoutingFileTest.parse("rules:\n  - hash: [a, b]\n");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      counts.merge(group(t, device("dev-" + i)), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactlyInAnyOrder("a", "b");
    assertThat(counts.get("a")).isBetween(850, 1150);

    BrokerSnapshot withoutB = snapshot(broker("a1", "a"), broker("c1", "c"));
    for (int i = 0; i < 200; i++) {
      assertThat(t.route(device("dev-" + i), withoutB, NOW).group()).isEqualTo("a");
    }
    assertThat(t.route(device("x"), snapshot(broker("c1", "c")), NOW).refused())
        .as("no listed group can take the device: the rule does not match")
        .isTrue();
  }

  @Test
  void hash_answer_moves_only_devices_whose_best_group_joins_or_leaves() throws Exception {
    RoutingTable all = RoutingFileTest.parse("rules:\n  - hash: all\n");
    BrokerSnapshot before = snapshot(broker("a1", "a"), broker("b1", "b"));
    // Broker b2 joins a new group c: only devices whose best group is c move, and all of them to c.
    BrokerSnapshot after = snapshot(broker("a1", "a"), broker("b1", "b"), broker("b2", "c"));
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      String was = all.route(device("dev-" + i), before, NOW).group();
      String now = all.route(device("dev-" + i), after, NOW).group();
      if (!was.equals(now)) {
        moved++;
        assertThat(now).isEqualTo("c");
      }
    }
    assertThat(moved).isBetween(800, 1200);

    // With listed groups, a broker moving from a to b changes nothing while a keeps a broker.
    RoutingTable listed = RoutingFileTest.parse("rules:\n  - hash: [a, b]\n");
    BrokerSnapshot moveOne = snapshot(broker("a1", "a"), broker("a2", "a"), broker("b1", "b"));
    BrokerSnapshot moveTwo = snapshot(broker("a1", "a"), broker("a2", "b"), broker("b1", "b"));
    for (int i = 0; i < 1000; i++) {
      assertThat(listed.route(device("dev-" + i), moveOne, NOW).group())
          .isEqualTo(listed.route(device("dev-" + i), moveTwo, NOW).group());
    }
  }

  @Test
  void two_tables_from_the_same_file_agree_on_every_device() throws Exception {
    String yaml = "rules:\n  - hash: [a, b, c]\n";
    RoutingTable one = RoutingFileTest.parse(yaml);
    RoutingTable two = RoutingFileTest.parse(yaml);
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String g = one.route(device("sensor-" + i), TWO_GROUPS, NOW).group();
      assertThat(two.route(device("sensor-" + i), TWO_GROUPS, NOW).group()).isEqualTo(g);
      groups.add(g);
    }
    assertThat(groups).contains("a", "b", "c");
  }

  @Test
  void the_hash_is_a_fixed_function_of_the_names() {
    // Pinned values: a change here moves devices between groups on upgrade, and replicas of two
    // versions would disagree. Change them only on purpose.
    assertThat(GroupHash.fnv("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(GroupHash.choose("sensor-1", List.of("a", "b", "c"), g -> true))
        .isEqualTo(GroupHash.choose("sensor-1", List.of("c", "b", "a"), g -> true));
  }

  @Test
  void explain_counts_nothing() throws Exception {
    RoutingTable t =
        RoutingFileTest.parse("rules:\n  - {match: {clientId: {prefix: a}}, group: a}\n");

    assertThat(t.explain(device("a1"), TWO_GROUPS, NOW).group()).isEqualTo("a");
    assertThat(t.explain(device("z"), TWO_GROUPS, NOW).refused()).isTrue();
    assertThat(t.rules().get(0).hits()).isZero();
    assertThat(t.refusedCount()).isZero();
  }

  private static ConnectFacts from(String address) throws Exception {
    return new ConnectFacts(
        "d", Transport.MQTT, true, 0, null, InetAddress.getByName(address), List.of());
  }

  private static ConnectFacts props(String... nameValues) {
    List<ConnectFacts.UserProperty> list = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      list.add(new ConnectFacts.UserProperty(nameValues[i], nameValues[i + 1]));
    }
    return new ConnectFacts("d", Transport.MQTT, true, 0, null, null, list);
  }
}

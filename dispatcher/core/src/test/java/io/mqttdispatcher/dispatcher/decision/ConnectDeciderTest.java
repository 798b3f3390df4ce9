package io.mqttdispatcher.dispatcher.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.policy.LeastCpuPolicy;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.RoutingFile;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The one decision per CONNECT, on plain values: routing table first, then the policy. */
class ConnectDeciderTest {
  private static final long NOW = 1_000_000_000L;
  private final ConnectDecider decider = new ConnectDecider(new LeastCpuPolicy());

  private static BrokerView broker(String id, String group, double cpu, Transport... transports) {
    Map<Transport, String> endpoints = new java.util.EnumMap<>(Transport.class);
    for (Transport t : transports) {
      endpoints.put(t, id + ":" + t.wireName());
    }
    return new BrokerView(
        id,
        endpoints,
        cpu,
        cpu,
        0.1,
        OptionalLong.empty(),
        OptionalDouble.empty(),
        1,
        true,
        false,
        NOW,
        new BrokerGroup(group, false));
  }

  private static BrokerSnapshot snapshot(BrokerView... brokers) {
    return new BrokerSnapshot(List.of(brokers), Duration.ofSeconds(3).toNanos());
  }

  private static RoutingTable rules(String yaml) throws Exception {
    return RoutingFile.parse("routes.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void without_a_routing_file_every_broker_of_every_group_is_one_pool() {
    BrokerSnapshot s =
        snapshot(broker("a1", "ga", 0.9, Transport.MQTT), broker("b1", "gb", 0.1, Transport.MQTT));

    Decision d =
        decider.decide(
            s, RoutingTable.onePool(), ConnectFacts.of("dev", Transport.MQTT), NOW, false);

    assertThat(d).isInstanceOf(Decision.Redirect.class);
    Decision.Redirect r = (Decision.Redirect) d;
    assertThat(r.broker().id()).isEqualTo("b1");
    assertThat(r.group()).isEqualTo("gb");
    assertThat(r.route().ruleName()).isNull();
  }

  @Test
  void a_rule_confines_the_choice_to_its_group_on_every_transport() throws Exception {
    RoutingTable t =
        rules(
            """
            refuse: not-authorized
            rules:
              - name: tenant-a
                match: {clientId: {prefix: "a-"}}
                group: ga
            """);
    BrokerSnapshot s =
        snapshot(
            broker("a1", "ga", 0.9, Transport.values()),
            broker("b1", "gb", 0.1, Transport.values()));

    for (Transport transport : Transport.values()) {
      Decision d = decider.decide(s, t, ConnectFacts.of("a-1", transport), NOW, false);
      assertThat(((Decision.Redirect) d).broker().id()).as(transport.wireName()).isEqualTo("a1");
      assertThat(((Decision.Redirect) d).route().ruleName()).isEqualTo("tenant-a");

      Decision refused = decider.decide(s, t, ConnectFacts.of("z-1", transport), NOW, false);
      assertThat(refused)
          .isEqualTo(
              new Decision.Refuse(
                  RejectCause.NO_ROUTE, 0x87, "no routing rule matches this device"));
    }
  }

  @Test
  void no_usable_broker_is_server_unavailable_and_an_outage_only_when_no_transport_has_one()
      throws Exception {
    RoutingTable t =
        rules(
            """
            rules:
              - name: tenant-a
                match: {clientId: {prefix: "a-"}}
                group: ga
            """);
    BrokerSnapshot s =
        snapshot(broker("a1", "ga", 0.1, Transport.MQTT), broker("b1", "gb", 0.1, Transport.WSS));

    Decision d = decider.decide(s, t, ConnectFacts.of("a-1", Transport.WSS), NOW, false);

    assertThat(d)
        .isEqualTo(
            new Decision.Refuse(
                RejectCause.NO_BROKER, 0x88, "no broker available in group ga", false));
    Decision pool =
        decider.decide(
            snapshot(), RoutingTable.onePool(), ConnectFacts.of("x", Transport.MQTT), NOW, false);
    assertThat(pool)
        .isEqualTo(new Decision.Refuse(RejectCause.NO_BROKER, 0x88, "no broker available", true));
  }
}

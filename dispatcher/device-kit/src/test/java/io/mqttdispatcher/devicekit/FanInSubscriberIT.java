package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-in subscriber against a real dispatcher and real TestBroker brokers: it receives from
 * every broker of its group and from no other, and keeps receiving while one broker restarts and
 * while brokers join and leave the group.
 */
class FanInSubscriberIT {
  private static final byte[] TOKEN = "fan-in-token".getBytes(StandardCharsets.UTF_8);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Map<String, Set<String>> received = new ConcurrentHashMap<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private TestProbe probe(Dispatcher d, String id, TestBroker broker, String group) {
    TestProbe p = keep(TestProbe.authenticated(d.probePort(), id, TestDispatchers.SECRET));
    p.report(0.1, true, Map.of(Transport.MQTT, broker.endpoint()), new BrokerGroup(group, false));
    return p;
  }

  /**
   * A dispatcher with an admin API behind {@link #TOKEN}. A long --stale-after: the scripted probes
   * report once, and a busy machine must not make them stale.
   */
  private Dispatcher dispatcher() throws Exception {
    return keep(
        Dispatcher.start(
            TestDispatchers.options(
                List.of(),
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                65536,
                "--admin-token-file=" + TestDispatchers.file(TOKEN))));
  }

  /** A fan-in subscriber on {@code group}, recording each message under its broker's id. */
  private FanInSubscriber fanIn(Dispatcher d, String group) {
    return keep(
        FanInSubscriber.builder(URI.create("http://127.0.0.1:" + d.adminPort()), group)
            .token(TOKEN)
            .topicFilter("sensors/#")
            .refresh(Duration.ofMillis(200))
            .onMessage(
                (broker, p) ->
                    received
                        .computeIfAbsent(broker, b -> ConcurrentHashMap.newKeySet())
                        .add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
            .start());
  }

  private static void publish(TestBroker broker, String payload) {
    Mqtt5BlockingClient c =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("pub-" + payload)
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    c.connect();
    c.publishWith()
        .topic("sensors/x")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .send();
    c.disconnect();
  }

  private boolean got(String broker, String payload) {
    return received.getOrDefault(broker, Set.of()).contains(payload);
  }

  @Test
  void receives_from_every_broker_of_its_group_while_one_restarts_and_members_change()
      throws Exception {
    Dispatcher d = dispatcher();
    TestBroker m1 = keep(TestBroker.start());
    TestBroker m2 = keep(TestBroker.start());
    TestBroker other = keep(TestBroker.start());
    TestProbe p1 = probe(d, "b1", m1, "g");
    probe(d, "b2", m2, "g");
    probe(d, "b3", other, "elsewhere");

    FanInSubscriber fanIn = fanIn(d, "g");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fanIn.subscribedOn("b1") && fanIn.subscribedOn("b2"));
    assertThat(fanIn.brokers()).containsOnlyKeys("b1", "b2");

    // every broker of the group reaches it, the other group's broker does not
    publish(other, "from-elsewhere");
    publish(m1, "one");
    publish(m2, "two");
    await().atMost(Duration.ofSeconds(10)).until(() -> got("b1", "one") && got("b2", "two"));
    assertThat(received).doesNotContainKey("b3");

    // b2 restarts (and forgets every session): the subscription is made again when it is back,
    // and b1 delivers all the while
    m2.kill();
    publish(m1, "during-restart");
    await().atMost(Duration.ofSeconds(10)).until(() -> got("b1", "during-restart"));
    m2.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> fanIn.subscribedOn("b2"));
    publish(m2, "after-restart");
    await().atMost(Duration.ofSeconds(10)).until(() -> got("b2", "after-restart"));

    // a broker joins the group: subscribed within a refresh; one leaves: dropped
    TestBroker m4 = keep(TestBroker.start());
    probe(d, "b4", m4, "g");
    await().atMost(Duration.ofSeconds(20)).until(() -> fanIn.subscribedOn("b4"));
    publish(m4, "four");
    await().atMost(Duration.ofSeconds(10)).until(() -> got("b4", "four"));
    p1.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !fanIn.brokers().containsKey("b1"));
    assertThat(fanIn.brokers()).containsOnlyKeys("b2", "b4");
  }

  /**
   * A broker that leaves the group while it is down and later comes back at the same address must
   * not be subscribed again by the subscription that was dropped (before, its client's automatic
   * reconnect went on after the close).
   */
  @Test
  void a_broker_dropped_while_down_is_not_subscribed_again_when_it_comes_back() throws Exception {
    Dispatcher d = dispatcher();
    TestBroker m1 = keep(TestBroker.start());
    TestBroker m2 = keep(TestBroker.start());
    probe(d, "b1", m1, "g");
    TestProbe p2 = probe(d, "b2", m2, "g");
    FanInSubscriber fanIn = fanIn(d, "g");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fanIn.subscribedOn("b1") && fanIn.subscribedOn("b2"));

    m2.kill();
    p2.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !fanIn.brokers().containsKey("b2"));
    m2.restart();

    // Reconnect attempts come at most 5 s apart: publish for 8 s, nothing may arrive.
    long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      publish(m2, "ghost-" + i);
      Thread.sleep(500);
    }
    assertThat(received).doesNotContainKey("b2");
    publish(m1, "still-here");
    await().atMost(Duration.ofSeconds(10)).until(() -> got("b1", "still-here"));
  }
}

package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.Parking;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CONNECTs held while no broker is usable: answered the moment one is, CONNACK 0x88 when the hold
 * runs out, bounded, and spread over every broker that comes back after an outage rather than given
 * to the first one whose probe reports. Real sockets, HiveMQ clients, probes that report.
 */
class ParkingIT {
  /** MQTT v5 CONNECT, Clean Start, keep alive 60, no properties, client id "dev1". */
  private static final byte[] CONNECT_V5 =
      HexFormat.of()
          .parseHex("1011" + "00044d515454" + "05" + "02" + "003c" + "00" + "000464657631");

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Dispatcher dispatcher(Parking parking) throws Exception {
    DispatcherOptions o =
        TestDispatchers.options(
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            65536,
            "--park-max=" + parking.max(),
            "--park-for=" + DurationConverter.format(parking.holdFor()),
            "--gather-window=" + DurationConverter.format(parking.gatherWindow()));
    Dispatcher d = Dispatcher.start(o);
    open.add(d);
    return d;
  }

  private TestProbe broker(Dispatcher d, String id, int port) {
    TestProbe p = TestProbe.authenticated(d.probePort(), id, TestDispatchers.SECRET);
    open.add(p);
    p.report(0.1, "127.0.0.1:" + port);
    return p;
  }

  private static CompletableFuture<Mqtt5ConnAck> ask(Dispatcher d, String clientId) {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(d.devicePort())
            .transportConfig()
            .mqttConnectTimeout(30, TimeUnit.SECONDS)
            .applyTransportConfig()
            .buildAsync();
    return client
        .connect()
        .handle(
            (ack, e) -> {
              if (e instanceof Mqtt5ConnAckException refused) {
                return refused.getMqttMessage();
              }
              if (e != null && e.getCause() instanceof Mqtt5ConnAckException refused) {
                return refused.getMqttMessage();
              }
              client.disconnect();
              throw new AssertionError("no refusing CONNACK: " + (e == null ? ack : e));
            });
  }

  @Test
  void a_connect_without_a_usable_broker_is_held_and_answered_the_moment_a_probe_reports()
      throws Exception {
    Dispatcher d = dispatcher(Parking.DEFAULT);

    CompletableFuture<Mqtt5ConnAck> answer = ask(d, "early-device");
    await().atMost(Duration.ofSeconds(5)).until(() -> d.metrics().held() == 1);
    assertThat(answer).isNotDone();
    long reported = System.nanoTime();
    broker(d, "a", 11883);
    Mqtt5ConnAck ack = answer.get(5, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - reported)).isLessThan(Duration.ofSeconds(1));
    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
    assertThat(ack.getServerReference().map(Object::toString)).contains("127.0.0.1:11883");
    await().atMost(Duration.ofSeconds(5)).until(() -> d.metrics().held() == 0);
    assertThat(d.metrics().scrape())
        .contains("dispatcher_parked_connections 0.0")
        .contains("dispatcher_parked_total{outcome=\"redirected\"} 1.0");
  }

  @Test
  void a_hold_that_runs_out_is_answered_server_unavailable() throws Exception {
    Dispatcher d = dispatcher(new Parking(100, Duration.ofMillis(700), Duration.ofSeconds(2)));

    long start = System.nanoTime();
    Mqtt5ConnAck ack = ask(d, "lonely-device").get(10, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(650));
    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    assertThat(d.metrics().scrape()).contains("dispatcher_parked_total{outcome=\"refused\"} 1.0");
  }

  @Test
  void a_full_lot_and_a_disabled_one_answer_at_once() throws Exception {
    Dispatcher full = dispatcher(new Parking(1, Duration.ofSeconds(20), Duration.ofSeconds(2)));
    CompletableFuture<Mqtt5ConnAck> held = ask(full, "first");
    await().atMost(Duration.ofSeconds(5)).until(() -> full.metrics().held() == 1);

    Mqtt5ConnAck second = ask(full, "second").get(3, TimeUnit.SECONDS);
    Mqtt5ConnAck off = ask(dispatcher(Parking.OFF), "third").get(3, TimeUnit.SECONDS);

    assertThat(second.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    assertThat(off.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    assertThat(held).isNotDone();
  }

  @Test
  void held_connections_that_close_or_stay_silent_leave_nothing_behind() throws Exception {
    Dispatcher d = dispatcher(new Parking(5000, Duration.ofSeconds(30), Duration.ofSeconds(2)));
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", d.devicePort()), 5000);
        s.getOutputStream().write(CONNECT_V5);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> d.metrics().held() == 1000);

      for (int i = 0; i < 500; i++) {
        sockets.get(i).close();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> d.metrics().held() == 500);
      broker(d, "a", 11883);

      for (int i = 500; i < 1000; i++) {
        Socket s = sockets.get(i);
        s.setSoTimeout(10_000);
        assertThat(firstByte(s.getInputStream())).as("CONNACK").isEqualTo(0x20);
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> d.metrics().held() == 0);
    assertThat(d.metrics().scrape())
        .contains("dispatcher_parked_total{outcome=\"closed\"} 500.0")
        .contains("dispatcher_parked_total{outcome=\"redirected\"} 500.0");
  }

  private static int firstByte(InputStream in) throws IOException {
    return in.read();
  }

  @Test
  void brokers_coming_back_one_after_another_share_the_held_devices_evenly() throws Exception {
    Dispatcher d = dispatcher(Parking.DEFAULT);
    List<TestProbe> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(broker(d, "b" + i, 12000 + i));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> d.registry().snapshot().brokers().size() == 3);
    for (TestProbe p : before) {
      p.close(); // the power cut: every probe goes away
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> d.registry().snapshot().brokers().isEmpty());

    List<CompletableFuture<Mqtt5ConnAck>> devices = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      devices.add(ask(d, "storm-" + i));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> d.metrics().held() == 300);
    // The probes come back one after another, 100 to 500 ms apart.
    broker(d, "b0", 12000);
    Thread.sleep(300);
    broker(d, "b1", 12001);
    Thread.sleep(450);
    broker(d, "b2", 12002);

    Map<String, Integer> perBroker = new HashMap<>();
    for (CompletableFuture<Mqtt5ConnAck> f : devices) {
      Mqtt5ConnAck ack = f.get(10, TimeUnit.SECONDS);
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
      perBroker.merge(ack.getServerReference().orElseThrow().toString(), 1, Integer::sum);
    }
    assertThat(perBroker).hasSize(3);
    int max = perBroker.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(max / 100.0).as("max/mean of %s", perBroker).isLessThanOrEqualTo(1.03);
  }
}

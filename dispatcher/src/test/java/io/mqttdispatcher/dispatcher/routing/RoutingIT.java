package io.mqttdispatcher.dispatcher.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.ctl.CtlCommand;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Routing rules in a running dispatcher: real sockets, HiveMQ clients, probes reporting groups. */
class RoutingIT {
  private static final byte[] TOKEN = "admin-token".getBytes(StandardCharsets.UTF_8);
  private static final String RULES =
      """
      refuse: not-authorized
      rules:
        - name: tenant-a
          match: {clientId: {prefix: "a-"}}
          group: ga
        - name: eu-users
          match: {username: {prefix: "eu-"}}
          group: gb
        - name: acme
          match:
            userProperties: {tenant: acme}
          group: gb
        - name: empty-group
          match: {clientId: {prefix: "x-"}}
          group: nobody
        - name: spread
          match: {clientId: {prefix: "h-"}}
          hash: all
      """;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Dispatcher dispatcher(Path routes) throws Exception {
    // A long --stale-after: each test probe reports once, and a busy machine must not make it
    // stale.
    DispatcherOptions o =
        TestDispatchers.options(
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            65536,
            "--routing-file=" + routes,
            "--admin-token-file=" + TestDispatchers.file(TOKEN));
    Dispatcher d = Dispatcher.start(o);
    open.add(d);
    return d;
  }

  private Path routes(String yaml) throws Exception {
    Path f = dir.resolve("routes.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /**
   * Registers broker {@code id} of {@code group} with {@code d}, endpoint 127.0.0.1:{@code port}.
   */
  private void broker(Dispatcher d, String id, String group, int port) {
    broker(d, id, new BrokerGroup(group, false), port);
  }

  private void broker(Dispatcher d, String id, BrokerGroup group, int port) {
    TestProbe p = TestProbe.authenticated(d.probePort(), id, TestDispatchers.SECRET);
    open.add(p);
    p.report(0.1, true, Map.of(Transport.MQTT, "127.0.0.1:" + port), group);
  }

  private static void awaitBrokers(Dispatcher d, int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> d.registry().snapshot().brokers().size() == n);
  }

  @Test
  void devices_go_to_the_group_their_connect_matches() throws Exception {
    Dispatcher d = dispatcher(routes(RULES));
    broker(d, "a1", "ga", 11001);
    broker(d, "a2", "ga", 11002);
    broker(d, "b1", "gb", 12001);
    awaitBrokers(d, 3);

    Set<String> tenantA = Set.of("127.0.0.1:11001", "127.0.0.1:11002");
    for (int i = 0; i < 6; i++) {
      assertThat(reference(ask(d, "a-" + i, c -> {}))).isIn(tenantA);
    }
    assertThat(reference(ask(d, "dev-1", c -> c.simpleAuth().username("eu-42").applySimpleAuth())))
        .isEqualTo("127.0.0.1:12001");
    assertThat(
            reference(
                ask(
                    d,
                    "dev-2",
                    c ->
                        c.userProperties()
                            .add("region", "x")
                            .add("tenant", "acme")
                            .applyUserProperties())))
        .isEqualTo("127.0.0.1:12001");

    Mqtt5ConnAck unmatched =
        ask(d, "dev-3", c -> c.simpleAuth().username("us-1").applySimpleAuth());
    assertThat(unmatched.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(unmatched.getReasonString().map(Object::toString))
        .contains("no routing rule matches this device");

    Mqtt5ConnAck empty = ask(d, "x-1", c -> {});
    assertThat(empty.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    assertThat(empty.getReasonString().map(Object::toString))
        .contains("no broker available in group nobody");

    JsonObject routing = getJson(d, "/routing");
    assertThat(routing.getJsonArray("rules").getJsonObject(0).getLong("hits")).isEqualTo(6);
    assertThat(routing.getJsonArray("rules").getJsonObject(1).getLong("hits")).isEqualTo(1);
    assertThat(routing.getJsonArray("rules").getJsonObject(2).getLong("hits")).isEqualTo(1);
    assertThat(routing.getLong("refused")).isEqualTo(1);
    assertThat(routing.getString("refuse")).isEqualTo("not-authorized");

    JsonObject device = getJson(d, "/devices/a-0");
    assertThat(device.getBoolean("hint")).isTrue();
    assertThat(device.getJsonObject("sent").getString("group")).isEqualTo("ga");
    assertThat(device.getJsonObject("sent").getString("rule")).isEqualTo("tenant-a");
    assertThat(device.getJsonObject("sent").getString("broker")).isIn("a1", "a2");
    assertThat(device.getJsonObject("sessionHash").getString("group")).isEqualTo("ga");
    assertThat(get(d, "/devices/a-0", null).statusCode())
        .as("device locations need the token")
        .isEqualTo(401);
  }

  @Test
  void dry_run_says_where_a_connect_would_go_and_why_without_counting_it() throws Exception {
    Dispatcher d = dispatcher(routes(RULES));
    broker(d, "a1", "ga", 11001);
    broker(d, "b1", "gb", 12001);
    awaitBrokers(d, 2);

    JsonObject a = getJson(d, "/route?clientId=a-7");
    assertThat(a.getString("group")).isEqualTo("ga");
    assertThat(a.getString("rule")).isEqualTo("tenant-a");
    assertThat(a.getInteger("ruleLine")).isEqualTo(3);
    assertThat(a.getString("broker")).isEqualTo("a1");
    assertThat(a.getString("endpoint")).isEqualTo("127.0.0.1:11001");
    assertThat(a.getBoolean("refused")).isFalse();

    JsonObject eu = getJson(d, "/route?clientId=z&username=eu-1&address=10.0.0.1&transport=mqtt");
    assertThat(eu.getString("rule")).isEqualTo("eu-users");
    assertThat(eu.getString("broker")).isEqualTo("b1");

    JsonObject acme =
        getJson(
            d,
            "/route?clientId=z&property="
                + URLEncoder.encode("tenant=acme", StandardCharsets.UTF_8));
    assertThat(acme.getString("rule")).isEqualTo("acme");

    JsonObject refused = getJson(d, "/route?clientId=nobody-knows-me");
    assertThat(refused.getBoolean("refused")).isTrue();
    assertThat(refused.getString("reasonCode")).isEqualTo("0x87");
    assertThat(refused.getString("reason")).contains("no routing rule matches");

    assertThat(get(d, "/route", TOKEN).statusCode()).isEqualTo(400);
    assertThat(get(d, "/route?clientId=a&transport=carrier-pigeon", TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(get(d, "/route?clientId=a&address=example.com", TOKEN).statusCode()).isEqualTo(400);
    JsonObject routing = getJson(d, "/routing");
    assertThat(routing.getJsonArray("rules").getJsonObject(0).getLong("hits"))
        .as("a dry run counts nothing")
        .isZero();
    assertThat(routing.getLong("refused")).isZero();
  }

  @Test
  void dispatcher_ctl_route_asks_the_dry_run() throws Exception {
    Dispatcher d = dispatcher(routes(RULES));
    broker(d, "b1", "gb", 12001);
    awaitBrokers(d, 1);
    Path token = dir.resolve("token");
    Files.write(token, TOKEN);

    CommandLine cl = CtlCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit =
        cl.execute(
            "route",
            "--admin",
            "http://127.0.0.1:" + d.adminPort(),
            "--token-file",
            token.toString(),
            "--client-id",
            "z-1",
            "--property",
            "tenant=acme",
            "--transport",
            "mqtt",
            "--session");

    assertThat(exit).as(err.toString()).isZero();
    JsonObject answer = new JsonObject(out.toString());
    assertThat(answer.getString("rule")).isEqualTo("acme");
    assertThat(answer.getString("group")).isEqualTo("gb");
    assertThat(answer.getString("broker")).isEqualTo("b1");
    assertThat(answer.getString("session")).contains("independent brokers");

    assertThat(
            cl.execute(
                "route",
                "--admin",
                "http://127.0.0.1:" + d.adminPort(),
                "--client-id",
                "x",
                "--property",
                "no-equals-sign"))
        .isEqualTo(2);
  }

  @Test
  void a_broken_file_on_reload_keeps_the_rules_in_force_and_drops_no_connection() throws Exception {
    Path file = routes(RULES);
    Dispatcher d = dispatcher(file);
    broker(d, "a1", "ga", 11001);
    broker(d, "b1", "gb", 12001);
    awaitBrokers(d, 2);
    assertThat(reference(ask(d, "a-1", c -> {}))).isEqualTo("127.0.0.1:11001");

    try (Socket waiting = new Socket()) {
      // given a device connected before the reload that has not sent its CONNECT yet
      waiting.connect(new InetSocketAddress("127.0.0.1", d.devicePort()), 2000);

      // when the file is broken (line 3: a key that does not exist)
      Files.writeString(file, "rules:\n  - name: tenant-a\n    grup: gb\n");
      d.reloadRouting();
      await().atMost(Duration.ofSeconds(10)).until(() -> d.routing().lastError() != null);

      // then the old rules stay in force, the problem is visible, and the waiting device is
      // answered
      assertThat(d.routing().lastError()).contains("line 3").contains("unknown key 'grup'");
      assertThat(getJson(d, "/routing").getString("lastError")).contains("line 3");
      assertThat(reference(ask(d, "a-2", c -> {}))).isEqualTo("127.0.0.1:11001");
      OutputStream out = waiting.getOutputStream();
      out.write(connectV5("a-3"));
      out.flush();
      waiting.setSoTimeout(5000);
      byte[] connack = waiting.getInputStream().readNBytes(4);
      assertThat(connack[0]).as("CONNACK").isEqualTo((byte) 0x20);
      assertThat(connack[3]).as("redirect").isEqualTo((byte) 0x9C);
    }

    // when the file is fixed (tenant a moves to gb), the change is picked up without a signal
    Files.writeString(file, "rules:\n  - {match: {clientId: {prefix: a-}}, group: gb}\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> d.routing().lastError() == null);
    assertThat(reference(ask(d, "a-4", c -> {}))).isEqualTo("127.0.0.1:12001");
  }

  @Test
  void a_broken_file_at_start_stops_the_start_naming_the_line() throws Exception {
    Path file = routes("default: ga\nrules:\n  - match: {source: 10.0.0.0/40}\n    group: gb\n");
    DispatcherOptions o = TestDispatchers.options("--routing-file=" + file);

    assertThatThrownBy(() -> Dispatcher.start(o))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "--routing-file " + file + " line 3: source '10.0.0.0/40': prefix length out of range");
  }

  @Test
  void two_dispatchers_hash_every_device_to_the_same_group_and_session_broker() throws Exception {
    Path file = routes(RULES);
    Dispatcher one = dispatcher(file);
    Dispatcher two = dispatcher(file);
    for (Dispatcher d : List.of(one, two)) {
      broker(d, "a1", "ga", 11001);
      broker(d, "a2", "ga", 11002);
      broker(d, "b1", "gb", 12001);
      broker(d, "c1", "gc", 13001);
      awaitBrokers(d, 4);
    }

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String id = "h-device-" + i;
      String viaOne =
          TestDevice.ask(one.devicePort(), id, false, 3600)
              .getServerReference()
              .orElseThrow()
              .toString();
      String viaTwo =
          TestDevice.ask(two.devicePort(), id, false, 3600)
              .getServerReference()
              .orElseThrow()
              .toString();
      assertThat(viaTwo).as(id).isEqualTo(viaOne);
      seen.add(viaOne);
    }
    assertThat(seen).as("the hash spreads over the groups").hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void groups_and_their_usable_endpoints() throws Exception {
    Dispatcher d = dispatcher(routes(RULES));
    broker(d, "a1", "ga", 11001);
    broker(d, "a2", "ga", 11002);
    broker(d, "b1", new BrokerGroup("gb", true), 12001);
    broker(d, "b2", new BrokerGroup("gb", true), 12002);
    broker(d, "m1", new BrokerGroup("gm", true), 13001);
    broker(d, "m2", new BrokerGroup("gm", false), 13002);
    awaitBrokers(d, 6);

    JsonArray groups = getJson(d, "/groups").getJsonArray("groups");
    assertThat(groups).hasSize(3);
    assertThat(groups.getJsonObject(1).getString("mode")).isEqualTo("cluster");
    assertThat(groups.getJsonObject(2).getString("mode")).as("probes disagree").isEqualTo("mixed");
    JsonObject ga = groups.getJsonObject(0);
    assertThat(ga.getString("name")).isEqualTo("ga");
    assertThat(ga.getString("mode")).isEqualTo("independent");
    assertThat(ga.getInteger("usable")).isEqualTo(2);
    assertThat(ga.getJsonArray("members")).hasSize(2);

    HttpResponse<String> lines = get(d, "/groups/ga/endpoints", TOKEN);
    assertThat(lines.statusCode()).isEqualTo(200);
    assertThat(lines.body().lines())
        .containsExactlyInAnyOrder("127.0.0.1:11001\ta1", "127.0.0.1:11002\ta2");
    assertThat(get(d, "/groups/ga/endpoints", null).statusCode()).isEqualTo(401);
    assertThat(get(d, "/groups/nope/endpoints", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get(d, "/", null).body())
        .as("the status page shows groups and rules")
        .contains("<table id=\"groups\">", "<table id=\"rules\">", "fetch('routing')");
  }

  private static String reference(Mqtt5ConnAck ack) {
    return ack.getServerReference().map(Object::toString).orElse(null);
  }

  private static Mqtt5ConnAck ask(
      Dispatcher d, String clientId, Consumer<Mqtt5ConnectBuilder.Send<?>> connect) {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(d.devicePort())
            .buildAsync();
    Mqtt5ConnectBuilder.Send<java.util.concurrent.CompletableFuture<Mqtt5ConnAck>> b =
        client.connectWith();
    connect.accept(b);
    try {
      b.send().get(5, TimeUnit.SECONDS);
      client.disconnect();
      throw new AssertionError("the dispatcher accepted the connection");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Mqtt5ConnAckException refused) {
        return refused.getMqttMessage();
      }
      throw new AssertionError("no CONNACK: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no CONNACK: " + e, e);
    }
  }

  /**
   * A minimal MQTT v5 CONNECT: clean start, keep-alive 60, no properties, client id {@code id}
   * (ASCII).
   */
  private static byte[] connectV5(String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
    int remaining = 10 + 1 + 2 + idBytes.length;
    byte[] out = new byte[2 + remaining];
    byte[] head = {
      0x10, (byte) remaining, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, (byte) idBytes.length
    };
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(idBytes, 0, out, head.length, idBytes.length);
    return out;
  }

  private JsonObject getJson(Dispatcher d, String path) throws Exception {
    HttpResponse<String> r = get(d, path, TOKEN);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private HttpResponse<String> get(Dispatcher d, String path, byte[] token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.adminPort() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + new String(token, StandardCharsets.UTF_8));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}

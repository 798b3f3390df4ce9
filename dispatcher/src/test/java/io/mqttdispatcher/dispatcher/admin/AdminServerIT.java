package io.mqttdispatcher.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin HTTP API over real HTTP. */
class AdminServerIT {
  private static final byte[] TOKEN = "admin-token".getBytes(StandardCharsets.UTF_8);
  private final HttpClient http = HttpClient.newHttpClient();
  private Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                "--admin-token-file",
                TestDispatchers.file(TOKEN),
                // reports are sent once: fresh for the whole test on a slow machine
                "--stale-after",
                "2m"));
  }

  @AfterEach
  void stop() {
    dispatcher.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.adminPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.adminPort() + path))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void health_ready_brokers_and_status_page() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(get("/").body()).contains("<title>mqtt-dispatcher status</title>");
    assertThat(get("/nope").statusCode()).isEqualTo(404);

    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.25, "127.0.0.1:11883");
      await().atMost(Duration.ofSeconds(5)).until(() -> get("/ready").statusCode() == 200);
      TestDevice.ask(dispatcher.devicePort());

      JsonObject body = new JsonObject(get("/brokers").body());
      JsonObject a = body.getJsonArray("brokers").getJsonObject(0);
      assertThat(body.getInteger("usable")).isEqualTo(1);
      assertThat(a.getString("id")).isEqualTo("a");
      assertThat(a.getDouble("cpu")).isEqualTo(0.25);
      assertThat(a.getBoolean("usable")).isTrue();
      assertThat(a.getLong("redirects")).isEqualTo(1);
      assertThat(a.getJsonObject("endpoints").getString("mqtt")).isEqualTo("127.0.0.1:11883");
      assertThat(a.getString("group")).isEqualTo("default");
      assertThat(a.getBoolean("cluster")).isFalse();
    }
  }

  @Test
  void status_page_draws_from_a_history_of_each_brokers_connections_and_load() throws Exception {
    String page = get("/").body();
    assertThat(page)
        .contains("Connections per broker")
        .contains("fetch('history?since=")
        .doesNotContain("http://", "https://");

    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.25, OptionalLong.of(42), OptionalDouble.of(3.5), 1, "127.0.0.1:11883");
      TestDevice.ask(dispatcher.devicePort());
      // Sampled once a second: wait for a sample that has the report and the redirect.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> lastOf(history(0), "a", "redirects") instanceof Number n && n.longValue() == 1);

      JsonObject all = history(0);
      JsonObject a = all.getJsonObject("brokers").getJsonObject("a");
      assertThat(all.getLong("intervalMs")).isEqualTo(1000);
      assertThat(all.getJsonArray("t").size()).isEqualTo(a.getJsonArray("connections").size());
      assertThat(((Number) lastOf(all, "a", "connections")).longValue()).isEqualTo(42);
      assertThat(((Number) lastOf(all, "a", "meanCpu")).doubleValue()).isGreaterThan(0);
      assertThat(((Number) lastOf(all, "a", "msgRate")).doubleValue()).isEqualTo(3.5);
      assertThat(lastOf(all, "a", "state")).isEqualTo("usable");

      long last = all.getJsonArray("t").getLong(all.getJsonArray("t").size() - 1);
      assertThat(history(last).getJsonArray("t").getList())
          .allSatisfy(t -> assertThat(((Number) t).longValue()).isGreaterThan(last));
      assertThat(get("/history?since=yesterday").statusCode()).isEqualTo(400);
    }
  }

  private JsonObject history(long since) throws Exception {
    HttpResponse<String> r = get("/history?since=" + since);
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static Object lastOf(JsonObject history, String broker, String series) {
    JsonObject b = history.getJsonObject("brokers").getJsonObject(broker);
    if (b == null) {
      return null;
    }
    var column = b.getJsonArray(series);
    return column.isEmpty() ? null : column.getValue(column.size() - 1);
  }

  @Test
  void brokers_show_the_group_their_probe_advertises() throws Exception {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(
          0.25, true, Map.of(Transport.MQTT, "127.0.0.1:11883"), new BrokerGroup("tenant-a", true));
      // Listed whether or not the report is still fresh: this is about what the probe advertised.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !new JsonObject(get("/brokers").body()).getJsonArray("brokers").isEmpty());

      JsonObject a =
          new JsonObject(get("/brokers").body()).getJsonArray("brokers").getJsonObject(0);
      assertThat(a.getString("group")).isEqualTo("tenant-a");
      assertThat(a.getBoolean("cluster")).isTrue();
    }
  }

  @Test
  void drain_needs_the_token_and_stops_new_devices_until_undrained() throws Exception {
    try (TestProbe a =
            TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET);
        TestProbe b =
            TestProbe.authenticated(dispatcher.probePort(), "b", TestDispatchers.SECRET)) {
      a.report(0.0, "127.0.0.1:11883");
      b.report(0.9, "127.0.0.1:21883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> new JsonObject(get("/brokers").body()).getInteger("usable") == 2);

      assertThat(post("/brokers/a/drain", null).statusCode()).isEqualTo(401);
      assertThat(post("/brokers/a/drain", "wrong").statusCode()).isEqualTo(401);
      assertThat(post("/brokers/zzz/drain", "admin-token").statusCode()).isEqualTo(404);
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");

      assertThat(post("/brokers/a/drain", "admin-token").statusCode()).isEqualTo(200);
      for (int i = 0; i < 5; i++) {
        assertThat(TestDevice.serverReference(dispatcher.devicePort()))
            .isEqualTo("127.0.0.1:21883");
      }

      assertThat(post("/brokers/a/undrain", "admin-token").statusCode()).isEqualTo(200);
      assertThat(TestDevice.serverReference(dispatcher.devicePort())).isEqualTo("127.0.0.1:11883");
    }
  }
}

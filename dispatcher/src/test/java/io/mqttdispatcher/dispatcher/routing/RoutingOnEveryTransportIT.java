package io.mqttdispatcher.dispatcher.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestCertificates;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing rules hold on every listener: a device over MQTT, MQTT over TLS, WebSocket or secure
 * WebSocket is routed by the same rules, recorded in the same device table, and refused the same
 * way when no rule matches. (The secure WebSocket listener once skipped all three.)
 */
class RoutingOnEveryTransportIT {
  private static final byte[] TOKEN = "admin-token".getBytes(StandardCharsets.UTF_8);
  private static final String RULES =
      """
      refuse: not-authorized
      rules:
        - name: tenant-a
          match: {clientId: {prefix: "a-"}}
          group: ga
      """;

  @TempDir static Path dir;
  private static TestCertificates ca;
  private static Dispatcher dispatcher;
  private static TestProbe tenantA;
  private static TestProbe tenantB;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    ca = TestCertificates.authority(dir, "devices");
    TestCertificates.Pem cert = ca.server("localhost");
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, RULES);
    DispatcherOptions o =
        TestDispatchers.options(
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            65536,
            "--routing-file=" + routes,
            "--admin-token-file=" + TestDispatchers.file(TOKEN),
            "--tls-listen=127.0.0.1:0",
            "--ws-listen=127.0.0.1:0",
            "--wss-listen=127.0.0.1:0",
            "--ws-path=/mqtt",
            "--tls-cert=" + cert.cert(),
            "--tls-key=" + cert.key());
    dispatcher = Dispatcher.start(o);
    // Tenant b's broker is the idler one: without the rules, every device would go there.
    tenantA = broker("a1", "ga", 0.9, 11000);
    tenantB = broker("b1", "gb", 0.0, 12000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> dispatcher.registry().snapshot().brokers().size() == 2);
  }

  @AfterAll
  static void stop() {
    tenantA.close();
    tenantB.close();
    dispatcher.close();
  }

  private static TestProbe broker(String id, String group, double cpu, int basePort) {
    TestProbe p = TestProbe.authenticated(dispatcher.probePort(), id, TestDispatchers.SECRET);
    p.report(cpu, true, endpoints(basePort), new BrokerGroup(group, false));
    return p;
  }

  private static Map<Transport, String> endpoints(int basePort) {
    Map<Transport, String> m = new EnumMap<>(Transport.class);
    for (Transport t : Transport.values()) {
      m.put(t, endpoint(t, basePort));
    }
    return m;
  }

  private static String endpoint(Transport t, int basePort) {
    return switch (t) {
      case MQTT -> "127.0.0.1:" + (basePort + 1);
      case MQTTS -> "127.0.0.1:" + (basePort + 2);
      case WS -> "ws://127.0.0.1:" + (basePort + 3) + "/mqtt";
      case WSS -> "wss://127.0.0.1:" + (basePort + 4) + "/mqtt";
    };
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void a_device_matching_a_rule_goes_to_its_group_on_every_transport(Transport transport)
      throws Exception {
    String clientId = "a-" + transport.wireName();

    Mqtt5ConnAck ack = ask(transport, clientId);

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
    assertThat(ack.getServerReference().map(Object::toString)).contains(endpoint(transport, 11000));
    JsonObject sent = getJson("/devices/" + clientId).getJsonObject("sent");
    assertThat(sent).as("the device table knows a device that came over " + transport).isNotNull();
    assertThat(sent.getString("group")).isEqualTo("ga");
    assertThat(sent.getString("rule")).isEqualTo("tenant-a");
    assertThat(sent.getString("broker")).isEqualTo("a1");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void a_device_no_rule_matches_is_refused_on_every_transport(Transport transport)
      throws Exception {
    Mqtt5ConnAck ack = ask(transport, "z-" + transport.wireName());

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(ack.getServerReference()).isEmpty();
    assertThat(ack.getReasonString().map(Object::toString))
        .contains("no routing rule matches this device");
  }

  private static Mqtt5ConnAck ask(Transport transport, String clientId) throws Exception {
    MqttClientBuilder b = MqttClient.builder().identifier(clientId).serverHost("localhost");
    b =
        switch (transport) {
          case MQTT -> b.serverPort(dispatcher.devicePort());
          case MQTTS ->
              b.serverPort(dispatcher.tlsPort())
                  .sslConfig()
                  .trustManagerFactory(trustingTheTestAuthority())
                  .applySslConfig();
          case WS ->
              b.serverPort(dispatcher.webSocketPort())
                  .webSocketConfig()
                  .serverPath("mqtt")
                  .applyWebSocketConfig();
          case WSS ->
              b.serverPort(dispatcher.secureWebSocketPort())
                  .sslConfig()
                  .trustManagerFactory(trustingTheTestAuthority())
                  .applySslConfig()
                  .webSocketConfig()
                  .serverPath("mqtt")
                  .applyWebSocketConfig();
        };
    Mqtt5AsyncClient client = b.useMqttVersion5().buildAsync();
    try {
      client.connect().get(10, TimeUnit.SECONDS);
      client.disconnect();
      throw new AssertionError("the dispatcher accepted a " + transport + " device");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(Mqtt5ConnAckException.class);
      return ((Mqtt5ConnAckException) e.getCause()).getMqttMessage();
    }
  }

  private static TrustManagerFactory trustingTheTestAuthority() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(ca.caCert())) {
      store.setCertificateEntry(
          "ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static JsonObject getJson(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.adminPort() + path))
                .header("Authorization", "Bearer " + new String(TOKEN, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}

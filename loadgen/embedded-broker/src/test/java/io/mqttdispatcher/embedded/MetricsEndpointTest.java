package io.mqttdispatcher.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  @Test
  void the_registry_is_written_under_the_prometheus_extensions_names() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("com.hivemq.networking.connections.current").inc(3);
    registry.counter("com.hivemq.messages.incoming.publish.count").inc(120);
    registry.meter("com.hivemq.messages.incoming.publish.rate").mark(120);
    registry.gauge("com.hivemq.sessions.overall.current", () -> () -> 7);
    registry.gauge("a.text.gauge", () -> () -> "not a number");

    String text = MetricsEndpoint.text(registry);

    assertThat(text)
        .contains(
            "# TYPE com_hivemq_networking_connections_current gauge\n"
                + "com_hivemq_networking_connections_current 3.0\n",
            "com_hivemq_messages_incoming_publish_count 120.0\n",
            "# TYPE com_hivemq_messages_incoming_publish_rate_total counter\n"
                + "com_hivemq_messages_incoming_publish_rate_total 120.0\n",
            "com_hivemq_sessions_overall_current 7.0\n")
        .doesNotContain("a_text_gauge")
        .endsWith("\n");
  }

  @Test
  void it_answers_get_metrics_and_nothing_else_and_survives_a_bad_client() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("com.hivemq.networking.connections.current").inc(2);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, 0)) {
      // A client that sends an endless head is cut off at the limit...
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
        OutputStream out = s.getOutputStream();
        byte[] junk = new byte[MetricsEndpoint.MAX_HEAD + 100];
        java.util.Arrays.fill(junk, (byte) 'x');
        try {
          out.write(junk);
          out.flush();
        } catch (java.io.IOException e) {
          // reset by the endpoint: fine
        }
        InputStream in = s.getInputStream();
        assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
      } catch (java.net.SocketException e) {
        // reset by the endpoint: fine
      }
      // ...and the next client is served.
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + endpoint.port();
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("com_hivemq_networking_connections_current 2.0\n");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/other")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(404);
    }
  }
}

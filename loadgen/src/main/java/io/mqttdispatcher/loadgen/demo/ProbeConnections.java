package io.mqttdispatcher.loadgen.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Each broker's connection count as its probe reads it from the broker's {@code $SYS} tree and
 * reports it, taken from the dispatcher's {@code GET /brokers}. Unknown (null) for a broker that is
 * not healthy, has no probe connected, or has no such counter (HiveMQ CE).
 */
public final class ProbeConnections implements ConnectionTimeline.ReportedConnections {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpRequest request;
  private final List<HostPort> brokers;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  public ProbeConnections(HostPort admin, List<HostPort> brokers) {
    this.request =
        HttpRequest.newBuilder(URI.create("http://" + admin + "/brokers"))
            .timeout(Duration.ofSeconds(1))
            .build();
    this.brokers = List.copyOf(brokers);
  }

  @Override
  public List<@Nullable Long> sample() {
    Map<String, Long> byEndpoint = new HashMap<>();
    try {
      for (JsonNode b :
          JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
              .path("brokers")) {
        if (b.path("healthy").asBoolean(false) && b.path("connections").isNumber()) {
          byEndpoint.put(
              b.path("endpoints").path("mqtt").asText(""), b.get("connections").longValue());
        }
      }
    } catch (IOException e) {
      // the dispatcher is busy or restarting: every count unknown this time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<@Nullable Long> counts = new ArrayList<>(brokers.size());
    for (HostPort b : brokers) {
      counts.add(byEndpoint.get(b.toString()));
    }
    return counts;
  }
}

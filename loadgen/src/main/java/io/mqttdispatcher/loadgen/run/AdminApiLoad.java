package io.mqttdispatcher.loadgen.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttdispatcher.cli.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker load as the probes report it, read from the dispatcher's {@code GET /brokers}. A broker is
 * matched to {@code --brokers} by its advertised {@code mqtt} endpoint.
 */
final class AdminApiLoad implements LoadSource {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApiLoad.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HostPort admin;
  private final List<HostPort> brokers;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final Set<HostPort> reportedMissing = new HashSet<>();
  private boolean reportedFailure;

  AdminApiLoad(HostPort admin, List<HostPort> brokers) {
    this.admin = admin;
    this.brokers = brokers;
  }

  @Override
  public List<BrokerLoad> sample() {
    Map<String, BrokerLoad> byEndpoint = new HashMap<>();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + admin + "/brokers"))
              .timeout(Duration.ofSeconds(2))
              .GET()
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      for (JsonNode b : JSON.readTree(response.body()).path("brokers")) {
        String endpoint = b.path("endpoints").path("mqtt").asText("");
        Double cpu = b.path("cpu").isNumber() ? b.get("cpu").doubleValue() : null;
        Long connections =
            b.path("connections").isNumber() ? b.get("connections").longValue() : null;
        byEndpoint.put(endpoint, new BrokerLoad(cpu, connections));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!reportedFailure) {
        LOG.warn("cannot read broker load from http://{}/brokers: {}", admin, e.toString());
        reportedFailure = true;
      }
    }
    List<BrokerLoad> loads = new ArrayList<>();
    for (HostPort broker : brokers) {
      BrokerLoad load = byEndpoint.get(broker.toString());
      if (load == null && !byEndpoint.isEmpty() && reportedMissing.add(broker)) {
        LOG.warn(
            "broker {} is not among the dispatcher's brokers (advertised mqtt endpoints: {}); its CPU is unknown",
            broker,
            byEndpoint.keySet());
      }
      loads.add(load == null ? BrokerLoad.UNKNOWN : load);
    }
    return loads;
  }

  @Override
  public String describe() {
    return "dispatcher admin API http://" + admin + "/brokers";
  }
}

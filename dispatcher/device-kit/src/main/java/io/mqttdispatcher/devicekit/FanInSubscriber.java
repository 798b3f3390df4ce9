package io.mqttdispatcher.devicekit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A backend's subscription to every usable broker of one broker group of independent brokers, so it
 * receives what every device of the group publishes, wherever the dispatcher sent it.
 *
 * <p>The broker list comes from the dispatcher's admin API ({@code GET /groups/{name}/endpoints},
 * with the bearer token), read again every {@link Builder#refresh refresh}: a broker that joins the
 * group gets a subscription, one that leaves is disconnected. Each broker has its own client with
 * automatic reconnect, and the subscription is made again on every connect, so a broker that
 * restarts (and forgets the session) is subscribed again as soon as it is back. When the admin API
 * cannot be reached, the subscriptions in place are kept.
 *
 * <pre>{@code
 * try (FanInSubscriber fanIn = FanInSubscriber.builder(URI.create("http://dispatcher:8080"), "tenant-a")
 *     .token(token).topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE)
 *     .onMessage((broker, publish) -> store(publish))
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class FanInSubscriber implements AutoCloseable {
  // System.Logger: the kit needs no logging library.
  private static final System.Logger LOG = System.getLogger(FanInSubscriber.class.getName());

  /** How often the broker list is read by default. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  private final Builder config;
  private final HttpClient http;
  private final URI endpointsUri;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fan-in-refresh");
            t.setDaemon(true);
            return t;
          });

  private FanInSubscriber(Builder config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = config.admin.toString().replaceAll("/+$", "");
    this.endpointsUri =
        URI.create(
            base
                + "/groups/"
                + URLEncoder.encode(config.group, StandardCharsets.UTF_8).replace("+", "%20")
                + "/endpoints?transport=mqtt");
  }

  /**
   * A subscriber for the brokers of {@code group}, as the dispatcher whose admin API is at {@code
   * admin} knows them.
   */
  public static Builder builder(URI admin, String group) {
    return new Builder(admin, group);
  }

  /** The brokers subscribed to now, by id, with their endpoints. */
  public Map<String, String> brokers() {
    Map<String, String> out = new LinkedHashMap<>();
    subscriptions.forEach((id, s) -> out.put(id, s.endpoint));
    return out;
  }

  /** Whether the subscription on broker {@code id} is in place (connected and subscribed). */
  public boolean subscribedOn(String id) {
    Subscription s = subscriptions.get(id);
    return s != null && s.subscribed;
  }

  private void start() {
    refresh();
    long ms = config.refresh.toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Reads the broker list and brings the subscriptions in line with it. */
  private void refresh() {
    Map<String, String> wanted;
    try {
      wanted = fetch();
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "fan-in: cannot read the brokers of group "
              + config.group
              + " ("
              + e.getMessage()
              + "); keeping the "
              + subscriptions.size()
              + " subscriptions in place");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      Subscription s = subscriptions.get(w.getKey());
      if (s != null && !s.endpoint.equals(w.getValue())) {
        s.close();
        subscriptions.remove(w.getKey());
        s = null;
      }
      if (s == null) {
        LOG.log(
            Level.INFO,
            "fan-in: subscribing on broker "
                + w.getKey()
                + " ("
                + w.getValue()
                + ") of group "
                + config.group);
        subscriptions.put(w.getKey(), new Subscription(w.getKey(), w.getValue()));
      }
    }
    for (String id : Set.copyOf(subscriptions.keySet())) {
      if (!wanted.containsKey(id)) {
        LOG.log(
            Level.INFO,
            "fan-in: broker "
                + id
                + " left group "
                + config.group
                + " (or is not usable); unsubscribing");
        Subscription gone = subscriptions.remove(id);
        if (gone != null) {
          gone.close();
        }
      }
    }
  }

  /** {@code GET /groups/{group}/endpoints}: one usable broker per line, {@code endpoint<TAB>id}. */
  private Map<String, String> fetch() throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpointsUri).timeout(Duration.ofSeconds(5));
    if (config.token != null) {
      request.header("Authorization", "Bearer " + new String(config.token, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return Map.of(); // no broker advertises the group (any more)
    }
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + endpointsUri);
    }
    Map<String, String> brokers = new HashMap<>();
    for (String line : response.body().split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        brokers.put(line.substring(tab + 1), line.substring(0, tab));
      }
    }
    return brokers;
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    subscriptions.values().forEach(Subscription::close);
    subscriptions.clear();
  }

  /** One broker's client: reconnects by itself, subscribes on every connect. */
  private final class Subscription {
    final String brokerId;
    final String endpoint;
    final Mqtt5AsyncClient client;
    volatile boolean subscribed;
    private volatile boolean closed;

    Subscription(String brokerId, String endpoint) {
      this.brokerId = brokerId;
      this.endpoint = endpoint;
      Endpoint e = Endpoint.parse(endpoint);
      this.client =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier(config.clientIdPrefix + "-" + brokerId)
              .serverHost(e.host())
              .serverPort(e.port())
              .automaticReconnect()
              .initialDelay(200, TimeUnit.MILLISECONDS)
              .maxDelay(5, TimeUnit.SECONDS)
              .applyAutomaticReconnect()
              .addConnectedListener(
                  ctx -> {
                    if (closed) {
                      client().disconnect().exceptionally(error -> null); // a reconnect under way
                    } else {
                      subscribe();
                    }
                  })
              .addDisconnectedListener(
                  ctx -> {
                    subscribed = false;
                    if (closed) {
                      // Closed while its broker was away (often why it left the group): stop
                      // reconnecting, or it would subscribe on whatever broker listens there next.
                      ctx.getReconnector().reconnect(false);
                    }
                  })
              .buildAsync();
      client.publishes(
          com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED,
          publish -> config.onMessage.accept(brokerId, publish));
      client.connectWith().cleanStart(true).send();
    }

    private void subscribe() {
      client
          .subscribeWith()
          .topicFilter(config.topicFilter)
          .qos(config.qos)
          .send()
          .whenComplete(
              (ack, error) -> {
                if (error != null) {
                  LOG.log(
                      Level.WARNING,
                      "fan-in: subscribing on broker "
                          + brokerId
                          + " failed: "
                          + error.getMessage());
                } else {
                  subscribed = true;
                }
              });
    }

    /** The client, for its own listeners (built before the field is assigned). */
    private Mqtt5AsyncClient client() {
      return client;
    }

    void close() {
      closed = true;
      subscribed = false;
      client.disconnect().exceptionally(e -> null);
    }
  }

  /** Settings of a {@link FanInSubscriber}; {@link #start()} builds and starts it. */
  public static final class Builder {
    private final URI admin;
    private final String group;
    private byte @Nullable [] token;
    private String topicFilter = "#";
    private MqttQos qos = MqttQos.AT_LEAST_ONCE;
    private Duration refresh = DEFAULT_REFRESH;
    private String clientIdPrefix = "fan-in-" + Long.toHexString(System.nanoTime());
    private BiConsumer<String, Mqtt5Publish> onMessage = (broker, publish) -> {};

    private Builder(URI admin, String group) {
      this.admin = Objects.requireNonNull(admin, "admin");
      this.group = Objects.requireNonNull(group, "group");
    }

    /** The dispatcher's admin token ({@code --admin-token-file}); null when it has none. */
    public Builder token(byte @Nullable [] token) {
      this.token = token == null ? null : token.clone();
      return this;
    }

    public Builder topicFilter(String topicFilter) {
      this.topicFilter = Objects.requireNonNull(topicFilter, "topicFilter");
      return this;
    }

    public Builder qos(MqttQos qos) {
      this.qos = Objects.requireNonNull(qos, "qos");
      return this;
    }

    /** How often the broker list is read again (default 2 s). */
    public Builder refresh(Duration refresh) {
      if (refresh.isNegative() || refresh.isZero()) {
        throw new IllegalArgumentException("refresh must be longer than 0");
      }
      this.refresh = refresh;
      return this;
    }

    /**
     * Client ids are this prefix, a dash and the broker id; unique per backend instance by default.
     */
    public Builder clientIdPrefix(String prefix) {
      this.clientIdPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** Called for every message, with the id of the broker it came from, on the client's thread. */
    public Builder onMessage(BiConsumer<String, Mqtt5Publish> onMessage) {
      this.onMessage = Objects.requireNonNull(onMessage, "onMessage");
      return this;
    }

    /**
     * Builds the subscriber, reads the broker list once and subscribes; refreshes in the background
     * after.
     */
    public FanInSubscriber start() {
      FanInSubscriber s = new FanInSubscriber(this);
      s.start();
      return s;
    }
  }
}

package io.mqttdispatcher.loadgen.rebalance;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.devicekit.DeviceConnection;
import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.devicekit.RedirectingConnector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishers that send a numbered message at a steady rate, each through the dispatcher (and back
 * through it when moved), and a subscriber on every broker (connected straight to it, since the
 * brokers share nothing) that notes when each publisher's messages arrive: the longest gap in any
 * publisher's stream as the subscribers see it, and the messages that never arrived.
 */
final class StreamWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamWatch.class);
  static final String TOPIC_PREFIX = "loadgen/rebalance/pub/";
  static final String ID_PREFIX = "publisher-";

  private final List<Mqtt5AsyncClient> subscribers = new ArrayList<>();
  private final List<RedirectingConnector> connectors = new ArrayList<>();
  private final List<DeviceConnection> publishers = new ArrayList<>();
  private final long[] sent;
  private final long[] received;
  private final long[] lastArrivalNanos;
  private final long[] longestGapNanos;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stream-watch");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopped;

  private StreamWatch(int publishers) {
    sent = new long[publishers];
    received = new long[publishers];
    lastArrivalNanos = new long[publishers];
    longestGapNanos = new long[publishers];
  }

  /** Subscribes on every broker; publishers start with {@link #startPublishers}. */
  static StreamWatch subscribe(List<HostPort> brokers, int publishers) throws Exception {
    StreamWatch w = new StreamWatch(publishers);
    try {
      for (HostPort b : brokers) {
        Mqtt5AsyncClient c =
            MqttClient.builder()
                .useMqttVersion5()
                .identifier("loadgen-stream-sub-" + b.port())
                .serverHost(b.host())
                .serverPort(b.port())
                .buildAsync();
        c.publishes(MqttGlobalPublishFilter.SUBSCRIBED, w::arrived);
        w.subscribers.add(c);
        c.connect().get(5, TimeUnit.SECONDS);
        c.subscribeWith()
            .topicFilter(TOPIC_PREFIX + "+")
            .qos(MqttQos.AT_MOST_ONCE)
            .send()
            .get(5, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      w.close();
      throw new IllegalStateException("cannot subscribe on every broker: " + e.getMessage(), e);
    }
    return w;
  }

  /**
   * Connects every publisher through {@code dispatcher} and starts each sending {@code rate}
   * messages per second (whenever it is on a broker; a message due while it has none is not sent).
   */
  void startPublishers(HostPort dispatcher, int rate, Duration maxBackoff) throws Exception {
    for (int i = 0; i < sent.length; i++) {
      String id = ID_PREFIX + i; // fixed now: the settings are applied again on every reconnect
      RedirectingConnector connector =
          RedirectingConnector.builder(Endpoint.of(dispatcher.host(), dispatcher.port()))
              .client(b -> b.identifier(id))
              .reconnectAttempts(1000, maxBackoff)
              .build();
      connectors.add(connector);
      publishers.add(connector.connect());
    }
    long periodMicros = 1_000_000L / rate;
    ticker.scheduleAtFixedRate(this::publishAll, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  private void publishAll() {
    for (int i = 0; i < publishers.size() && !stopped; i++) {
      DeviceConnection p = publishers.get(i);
      if (!p.isConnected()) {
        continue;
      }
      long seq;
      synchronized (this) {
        seq = ++sent[i];
      }
      try {
        p.client()
            .publishWith()
            .topic(TOPIC_PREFIX + i)
            .payload(Long.toString(seq).getBytes(StandardCharsets.US_ASCII))
            .qos(MqttQos.AT_MOST_ONCE)
            .send();
      } catch (RuntimeException e) {
        LOG.debug("publisher {} could not send: {}", i, e.toString());
      }
    }
  }

  private void arrived(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    int i;
    try {
      i = Integer.parseInt(topic.substring(TOPIC_PREFIX.length()));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return;
    }
    if (i < 0 || i >= received.length || stopped) {
      return;
    }
    long now = System.nanoTime();
    synchronized (this) {
      received[i]++;
      if (lastArrivalNanos[i] != 0) {
        longestGapNanos[i] = Math.max(longestGapNanos[i], now - lastArrivalNanos[i]);
      }
      lastArrivalNanos[i] = now;
    }
  }

  /** The brokers the publishers are on now (null for one between brokers). */
  List<@Nullable Integer> publisherPorts() {
    List<@Nullable Integer> ports = new ArrayList<>();
    for (DeviceConnection p : publishers) {
      ports.add(p.isConnected() ? p.broker().port() : null);
    }
    return ports;
  }

  /**
   * Stops publishing, lets the last messages arrive, then stops counting; a publisher whose stream
   * had stopped counts the time from its last message to the stop as a gap.
   */
  void stop() throws InterruptedException {
    if (stopped) {
      return;
    }
    long stopAt = System.nanoTime();
    ticker.shutdownNow();
    ticker.awaitTermination(1, TimeUnit.SECONDS);
    Thread.sleep(300); // in flight on loopback: well under this
    synchronized (this) {
      stopped = true;
      for (int i = 0; i < received.length; i++) {
        if (lastArrivalNanos[i] != 0 && lastArrivalNanos[i] < stopAt) {
          longestGapNanos[i] = Math.max(longestGapNanos[i], stopAt - lastArrivalNanos[i]);
        }
      }
    }
  }

  /** The longest time between two messages of one publisher at the subscribers, any publisher. */
  synchronized Duration longestGap() {
    long longest = 0;
    for (long g : longestGapNanos) {
      longest = Math.max(longest, g);
    }
    return Duration.ofNanos(longest);
  }

  synchronized long sent() {
    long n = 0;
    for (long s : sent) {
      n += s;
    }
    return n;
  }

  synchronized long received() {
    long n = 0;
    for (long r : received) {
      n += r;
    }
    return n;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publishers.forEach(DeviceConnection::close);
    connectors.forEach(RedirectingConnector::close);
    for (Mqtt5AsyncClient c : subscribers) {
      if (c.getState().isConnected()) {
        c.disconnect();
      }
    }
  }
}

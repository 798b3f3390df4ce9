package io.mqttdispatcher.loadgen.run;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.mqttdispatcher.cli.HostPort;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Connected straight to one broker, subscribed to the run's topics, counting what the broker
 * delivers per second: the throughput measured at the broker, not what publishers think they sent.
 * It also remembers which topics arrived, so that a publisher behind a load balancer, which cannot
 * tell where it landed, is placed on the broker that received its messages.
 */
final class BrokerSubscriber implements AutoCloseable {
  private final Mqtt5AsyncClient client;
  private final BucketCounter counter;
  private final Set<String> topics;

  private BrokerSubscriber(Mqtt5AsyncClient client, BucketCounter counter, Set<String> topics) {
    this.client = client;
    this.counter = counter;
    this.topics = topics;
  }

  static BrokerSubscriber start(HostPort broker, String topicFilter, BucketCounter counter)
      throws Exception {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("loadgen-sub-" + Long.toHexString(System.nanoTime()))
            .serverHost(broker.host())
            .serverPort(broker.port())
            .buildAsync();
    Set<String> topics = ConcurrentHashMap.newKeySet();
    client.publishes(
        MqttGlobalPublishFilter.SUBSCRIBED,
        p -> {
          counter.add(System.nanoTime());
          topics.add(p.getTopic().toString());
        });
    try {
      client.connect().get(5, TimeUnit.SECONDS);
      client
          .subscribeWith()
          .topicFilter(topicFilter)
          .qos(MqttQos.AT_MOST_ONCE)
          .send()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.disconnect();
      throw new IllegalStateException(
          "cannot subscribe on broker " + broker + ": " + e.getMessage(), e);
    }
    return new BrokerSubscriber(client, counter, topics);
  }

  /** Whether a message on {@code topic} arrived at this broker. */
  boolean received(String topic) {
    return topics.contains(topic);
  }

  @Override
  public void close() {
    if (client.getState().isConnected()) {
      client.disconnect();
    }
  }
}

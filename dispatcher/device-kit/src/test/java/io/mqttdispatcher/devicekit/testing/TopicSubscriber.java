package io.mqttdispatcher.devicekit.testing;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.mqttdispatcher.devicekit.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A HiveMQ MQTT client subscribed (QoS 1) to one topic on one broker, keeping the payloads it
 * receives: how a test sees that a device's message reached the broker it was sent to.
 */
public final class TopicSubscriber implements AutoCloseable {
  private final Mqtt5AsyncClient client;
  private final List<String> received = new CopyOnWriteArrayList<>();

  private TopicSubscriber(Mqtt5AsyncClient client) {
    this.client = client;
  }

  /** Connects to {@code broker} as {@code subscriber-<topic>} and subscribes to {@code topic}. */
  public static TopicSubscriber on(Endpoint broker, String topic) throws Exception {
    TopicSubscriber s =
        new TopicSubscriber(
            MqttClient.builder()
                .useMqttVersion5()
                .identifier("subscriber-" + topic.replace('/', '-'))
                .serverHost(broker.host())
                .serverPort(broker.port())
                .buildAsync());
    s.client.connect().get(5, TimeUnit.SECONDS);
    s.client
        .subscribeWith()
        .topicFilter(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> s.received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .send()
        .get(5, TimeUnit.SECONDS);
    return s;
  }

  /** The payloads received so far, in order, as UTF-8. */
  public List<String> received() {
    return received;
  }

  /** Returns the first payload received, waiting at most {@code timeout} for one. */
  public String awaitFirst(Duration timeout) {
    await().atMost(timeout).until(() -> !received.isEmpty());
    return received.get(0);
  }

  @Override
  public void close() throws Exception {
    client.disconnect().get(5, TimeUnit.SECONDS);
  }
}

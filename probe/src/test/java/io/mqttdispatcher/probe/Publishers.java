package io.mqttdispatcher.probe;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttdispatcher.testing.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for one broker: a few HiveMQ clients publishing QoS 0 as fast as they can, each on its own
 * thread, until closed or a deadline passes, whichever is first.
 */
final class Publishers implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean stop;

  Publishers(TestBroker broker, int count, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    byte[] payload = new byte[256];
    for (int i = 0; i < count; i++) {
      Mqtt5BlockingClient client =
          Mqtt5Client.builder()
              .identifier("load-" + i)
              .serverHost("127.0.0.1")
              .serverPort(broker.port())
              .buildBlocking();
      client.connect();
      clients.add(client);
      String topic = "load/" + i;
      Thread t =
          new Thread(
              () -> {
                while (!stop && System.nanoTime() < deadline) {
                  client
                      .publishWith()
                      .topic(topic)
                      .qos(MqttQos.AT_MOST_ONCE)
                      .payload(payload)
                      .send();
                  sent.incrementAndGet();
                }
              },
              "publisher-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  long sent() {
    return sent.get();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
    for (Mqtt5BlockingClient c : clients) {
      try {
        c.disconnect();
      } catch (RuntimeException e) {
        // the broker may already be gone at teardown; the client is closed either way
      }
    }
  }
}

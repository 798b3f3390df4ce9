package io.mqttdispatcher.devicekit.paho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.devicekit.testing.DispatcherLoop;
import io.mqttdispatcher.devicekit.testing.DroppingBrokerStack;
import io.mqttdispatcher.devicekit.testing.TopicSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Eclipse Paho Java v5 recipe against the real dispatcher, two real Mosquitto brokers and
 * probes.
 */
class PahoRedirectIT {

  @Test
  void lands_on_the_referenced_broker_and_publishes_a_message_a_subscriber_receives()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.9);
      stack.pinCpu(1, 0.1);
      TopicSubscriber subscriber = TopicSubscriber.on(stack.brokerAddress(1), "kit/paho");
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(5);

      MqttAsyncClient device =
          PahoRedirect.connect("tcp://" + stack.dispatcherAddress(), "paho-device", options, 3);
      try {
        assertThat(device.getCurrentServerURI()).isEqualTo("tcp://" + stack.brokerAddress(1));
        MqttMessage message = new MqttMessage("hello from paho".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        device.publish("kit/paho", message).waitForCompletion(5000);

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.received().contains("hello from paho"));
      } finally {
        device.disconnect().waitForCompletion(5000);
        device.close();
        subscriber.close();
      }
    }
  }

  @Test
  void refuses_a_loop_between_two_dispatchers_with_a_clear_error() throws Exception {
    try (DispatcherLoop loop = DispatcherLoop.start()) {
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(5);

      assertThatThrownBy(
              () -> PahoRedirect.connect("tcp://" + loop.entry(), "paho-loop", options, 3))
          .isInstanceOf(MqttException.class)
          .cause()
          .hasMessage("redirect loop: " + loop.path() + " again");
    }
  }

  @Test
  void keeps_the_device_on_a_broker_back_through_the_dispatcher_after_its_broker_is_killed()
      throws Exception {
    try (BrokerStack stack = BrokerStack.start(2)) {
      stack.pinCpu(0, 0.1);
      stack.pinCpu(1, 0.9);
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(30);
      try (PahoReconnect device =
          PahoReconnect.start(
              "tcp://" + stack.dispatcherAddress(), "paho-failover", options, c -> {}, e -> {})) {
        assertThat(device.client().getCurrentServerURI())
            .isEqualTo("tcp://" + stack.brokerAddress(0));

        stack.broker(0).kill();

        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    device.client().isConnected()
                        && device
                            .client()
                            .getCurrentServerURI()
                            .equals("tcp://" + stack.brokerAddress(1)));
      }
    }
  }

  @Test
  void lands_at_most_8_times_in_10_s_on_a_broker_that_drops_it_50_ms_after_accepting_it()
      throws Exception {
    AtomicInteger landings = new AtomicInteger();
    try (DroppingBrokerStack stack = DroppingBrokerStack.start()) {
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(5);
      long start = System.nanoTime();
      try (PahoReconnect device =
          PahoReconnect.start(
              "tcp://" + stack.dispatcherAddress(),
              "paho-flapping",
              options,
              c -> landings.incrementAndGet(),
              e -> {})) {
        Thread.sleep(10_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        LoggerFactory.getLogger(PahoRedirectIT.class)
            .info("landings in 10 s: {}", stack.broker().landings());
        assertThat(stack.broker().landings()).isBetween(4, 8);
        assertThat(landings.get()).isGreaterThanOrEqualTo(4);
      }
    }
  }

  @Test
  void reads_the_server_reference_among_other_connack_properties() {
    byte[] properties = {
      12, // properties length
      0x24,
      0x01, // Maximum QoS 1
      0x1F,
      0x00,
      0x02,
      'h',
      'i', // Reason String "hi"
      0x1C,
      0x00,
      0x03,
      'a',
      ':',
      '1' // Server Reference "a:1"
    };
    assertThat(PahoRedirect.serverReference(properties, 0, properties.length)).isEqualTo("a:1");
    assertThat(PahoRedirect.serverReference(new byte[] {0}, 0, 1)).isNull();
  }
}

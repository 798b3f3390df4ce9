package io.mqttdispatcher.devicekit.paho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.mqttdispatcher.devicekit.testing.BrokerStack;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

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
      List<String> received = new CopyOnWriteArrayList<>();
      Mqtt5AsyncClient subscriber =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier("paho-subscriber")
              .serverHost(stack.brokerAddress(1).host())
              .serverPort(stack.brokerAddress(1).port())
              .buildAsync();
      subscriber.connect().get(5, TimeUnit.SECONDS);
      subscriber
          .subscribeWith()
          .topicFilter("kit/paho")
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
          .send()
          .get(5, TimeUnit.SECONDS);
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(5);

      MqttAsyncClient device =
          PahoRedirect.connect("tcp://" + stack.dispatcherAddress(), "paho-device", options, 3);
      try {
        assertThat(device.getCurrentServerURI()).isEqualTo("tcp://" + stack.brokerAddress(1));
        MqttMessage message = new MqttMessage("hello from paho".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        device.publish("kit/paho", message).waitForCompletion(5000);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello from paho"));
      } finally {
        device.disconnect().waitForCompletion(5000);
        device.close();
        subscriber.disconnect().get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void refuses_a_loop_between_two_dispatchers_with_a_clear_error() throws Exception {
    try (Dispatcher a = Dispatcher.start(TestDispatchers.options());
        Dispatcher b = Dispatcher.start(TestDispatchers.options());
        TestProbe probeA =
            TestProbe.authenticated(a.probePort(), "not-a-broker", TestDispatchers.SECRET);
        TestProbe probeB =
            TestProbe.authenticated(b.probePort(), "not-a-broker", TestDispatchers.SECRET)) {
      probeA.report(0.1, "127.0.0.1:" + b.devicePort());
      probeB.report(0.1, "127.0.0.1:" + a.devicePort());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  !a.registry().snapshot().brokers().isEmpty()
                      && !b.registry().snapshot().brokers().isEmpty());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setConnectionTimeout(5);

      assertThatThrownBy(
              () ->
                  PahoRedirect.connect(
                      "tcp://127.0.0.1:" + a.devicePort(), "paho-loop", options, 3))
          .isInstanceOf(MqttException.class)
          .cause()
          .hasMessage(
              "redirect loop: 127.0.0.1:"
                  + a.devicePort()
                  + " -> 127.0.0.1:"
                  + b.devicePort()
                  + " -> 127.0.0.1:"
                  + a.devicePort()
                  + " again");
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

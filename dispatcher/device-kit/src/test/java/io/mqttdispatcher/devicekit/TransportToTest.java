package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device's TLS and WebSocket settings reach the broker a Server Reference names. */
class TransportToTest {
  private static final MqttClientSslConfig DEVICE_TLS =
      MqttClientSslConfig.builder().protocols(List.of("TLSv1.3")).build();

  @Test
  void the_connector_reads_tls_and_websocket_from_the_client_settings() {
    try (RedirectingConnector connector =
        RedirectingConnector.builder("127.0.0.1:1883")
            .client(
                b ->
                    b.identifier("d")
                        .sslConfig()
                        .protocols(List.of("TLSv1.3"))
                        .applySslConfig()
                        .webSocketConfig()
                        .serverPath("mqtt")
                        .applyWebSocketConfig())
            .build()) {
      assertThat(connector.transport().getSslConfig().flatMap(MqttClientSslConfig::getProtocols))
          .contains(List.of("TLSv1.3"));
      assertThat(connector.transport().getWebSocketConfig().map(MqttWebSocketConfig::getServerPath))
          .contains("mqtt");
    }
  }

  @Test
  void host_port_keeps_tls_and_websocket_as_the_device_set_them() {
    MqttClientTransportConfig device =
        MqttClientTransportConfig.builder()
            .serverHost("dispatcher")
            .serverPort(8883)
            .sslConfig(DEVICE_TLS)
            .webSocketConfig(
                MqttWebSocketConfig.builder().serverPath("mqtt").subprotocol("mqtt").build())
            .mqttConnectTimeout(1234, java.util.concurrent.TimeUnit.MILLISECONDS)
            .build();

    MqttClientTransportConfig hop =
        RedirectingConnector.transportTo(device, Endpoint.parse("10.0.0.7:8884"));

    assertThat(hop.getServerAddress().getHostString()).isEqualTo("10.0.0.7");
    assertThat(hop.getServerAddress().getPort()).isEqualTo(8884);
    assertThat(hop.getSslConfig()).contains(DEVICE_TLS);
    assertThat(hop.getWebSocketConfig().map(MqttWebSocketConfig::getServerPath)).contains("mqtt");
    assertThat(hop.getMqttConnectTimeoutMs()).isEqualTo(1234);
  }

  @Test
  void wss_uri_sets_websocket_path_and_keeps_the_devices_tls_settings() {
    MqttClientTransportConfig device =
        MqttClientTransportConfig.builder()
            .serverHost("dispatcher")
            .serverPort(443)
            .sslConfig(DEVICE_TLS)
            .webSocketConfig(
                MqttWebSocketConfig.builder()
                    .serverPath("mqtt")
                    .handshakeTimeout(777, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .build())
            .build();

    MqttClientTransportConfig hop =
        RedirectingConnector.transportTo(device, Endpoint.parse("wss://broker-3:9443/ws?tenant=a"));

    assertThat(hop.getServerAddress().getPort()).isEqualTo(9443);
    assertThat(hop.getSslConfig()).contains(DEVICE_TLS);
    MqttWebSocketConfig ws = hop.getWebSocketConfig().orElseThrow();
    assertThat(ws.getServerPath()).isEqualTo("ws");
    assertThat(ws.getQueryString()).isEqualTo("tenant=a");
    assertThat(ws.getHandshakeTimeoutMs()).isEqualTo(777);
  }

  @Test
  void ws_uri_switches_a_plain_device_to_websocket_without_tls_and_wss_turns_tls_on() {
    MqttClientTransportConfig plain =
        MqttClientTransportConfig.builder().serverHost("dispatcher").serverPort(1883).build();

    MqttClientTransportConfig ws =
        RedirectingConnector.transportTo(plain, Endpoint.parse("ws://broker:8083/mqtt"));
    MqttClientTransportConfig wss =
        RedirectingConnector.transportTo(plain, Endpoint.parse("wss://broker:8084/mqtt"));

    assertThat(ws.getWebSocketConfig().map(MqttWebSocketConfig::getServerPath)).contains("mqtt");
    assertThat(ws.getSslConfig()).isEmpty();
    assertThat(wss.getSslConfig()).isPresent();
    assertThat(wss.getWebSocketConfig()).isPresent();
  }
}

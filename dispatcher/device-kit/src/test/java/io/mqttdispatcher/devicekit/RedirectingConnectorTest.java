package io.mqttdispatcher.devicekit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedirectingConnectorTest {

  @Test
  void a_closed_connector_refuses_to_connect_rather_than_make_a_device_that_never_reconnects() {
    RedirectingConnector connector = RedirectingConnector.builder("127.0.0.1:1883").build();
    connector.close();

    assertThatThrownBy(connector::connect)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void refuses_a_negative_stable_after_and_max_queued() {
    RedirectingConnector.Builder builder = RedirectingConnector.builder("127.0.0.1:1883");

    assertThatThrownBy(() -> builder.stableAfter(Duration.ofSeconds(-1)))
        .hasMessageContaining("stable after must be 0 or more");
    assertThatThrownBy(() -> builder.maxQueued(-1))
        .hasMessageContaining("max queued must be 0 or more");
  }
}

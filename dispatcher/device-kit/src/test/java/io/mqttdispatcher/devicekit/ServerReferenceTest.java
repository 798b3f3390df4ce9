package io.mqttdispatcher.loadgen.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.cli.HostPort;
import org.junit.jupiter.api.Test;

class ServerReferenceTest {

  @Test
  void reads_host_and_port_and_takes_the_first_of_several() {
    assertThat(ServerReference.parse("10.0.0.5:1884")).isEqualTo(new HostPort("10.0.0.5", 1884));
    assertThat(ServerReference.parse("a:1 b:2")).isEqualTo(new HostPort("a", 1));
    assertThat(ServerReference.parse("[::1]:1883")).isEqualTo(new HostPort("::1", 1883));
  }

  @Test
  void a_reference_without_port_means_1883() {
    assertThat(ServerReference.parse("broker-2.example")).isEqualTo(new HostPort("broker-2.example", 1883));
    assertThat(ServerReference.parse("[::1]")).isEqualTo(new HostPort("::1", 1883));
  }

  @Test
  void refuses_an_empty_or_broken_reference() {
    assertThatThrownBy(() -> ServerReference.parse("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ServerReference.parse("host:port")).hasMessageContaining("port must be a number");
  }
}

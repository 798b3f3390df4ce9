package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.cli.HostPort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryPointTest {
  private static final HostPort A = HostPort.parse("127.0.0.1:1884");
  private static final HostPort B = HostPort.parse("127.0.0.1:1885");
  private static final HostPort C = HostPort.parse("127.0.0.1:1886");

  @Test
  void dns_round_robin_answers_the_next_address_on_every_lookup_whoever_asks() {
    EntryPoint.Resolver resolver =
        ((EntryPoint.DnsRoundRobin) EntryPoint.dnsRoundRobin(List.of(A, B, C))).resolver();

    List<HostPort> answers = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      answers.add(resolver.next());
    }

    assertThat(answers).containsExactly(A, B, C, A, B, C, A);
  }

  @Test
  void dns_round_robin_needs_an_address() {
    assertThatThrownBy(() -> EntryPoint.dnsRoundRobin(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entry_points_describe_themselves() {
    assertThat(EntryPoint.dispatcher(A).describe()).isEqualTo("dispatcher 127.0.0.1:1884");
    assertThat(EntryPoint.dnsRoundRobin(List.of(A, B)).describe())
        .contains("127.0.0.1:1884", "127.0.0.1:1885");
  }
}

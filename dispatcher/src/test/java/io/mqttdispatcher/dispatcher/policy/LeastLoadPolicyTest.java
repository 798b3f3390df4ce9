package io.mqttdispatcher.dispatcher.policy;

import static io.mqttdispatcher.dispatcher.policy.Brokers.broker;
import static io.mqttdispatcher.dispatcher.policy.Brokers.clean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LeastLoadPolicyTest {
  private static final long S = 1_000_000_000L;
  private final LeastLoadPolicy policy = new LeastLoadPolicy(Duration.ofSeconds(5));

  private static Map<String, Integer> burst(BrokerPolicy p, List<BrokerView> brokers, int devices) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < devices; i++) {
      counts.merge(p.choose(brokers, clean("d" + i), 10 * S).id(), 1, Integer::sum); // all in the same instant
    }
    return counts;
  }

  @Test
  void a_burst_between_reports_spreads_over_nearly_equal_brokers() {
    List<BrokerView> brokers = List.of(broker("a", 0.30), broker("b", 0.35));

    Map<String, Integer> leastLoad = burst(policy, brokers, 1000);
    Map<String, Integer> leastCpu = burst(new LeastCpuPolicy(), brokers, 1000);

    assertThat(leastCpu).containsExactly(Map.entry("a", 1000)); // the herd the baseline sends
    assertThat(leastLoad.get("a")).isBetween(480, 540); // a few more to a, which was idler
    assertThat(leastLoad.get("b")).isBetween(460, 520);
  }

  @Test
  void recent_redirects_fade_with_a_half_life_of_half_the_window() {
    BrokerView a = broker("a", 0.2);
    for (int i = 0; i < 8; i++) {
      policy.choose(List.of(a), clean("d" + i), 0);
    }

    assertThat(policy.recentRedirects("a", 0)).isCloseTo(8, within(1e-9));
    assertThat(policy.recentRedirects("a", 5 * S / 2)).isCloseTo(4, within(0.01));
    assertThat(policy.recentRedirects("a", 5 * S)).isCloseTo(2, within(0.01));
  }

  @Test
  void half_power_is_close_to_the_exact_decay() {
    for (double t = 0; t < 70; t += 0.01) {
      assertThat(LeastLoadPolicy.halfPower(t)).isCloseTo(Math.pow(0.5, t), within(0.0025 * Math.pow(0.5, t) + 1e-18));
    }
  }

  @Test
  void capacity_scales_the_load() {
    BrokerView big = broker("big", 0.5, 0.1, OptionalLong.empty(), 2);
    BrokerView small = broker("small", 0.3, 0.1, OptionalLong.empty(), 1);

    assertThat(policy.choose(List.of(small, big), clean("d"), 0).id()).isEqualTo("big");
  }

  @Test
  void memory_counts_with_weight_0_4() {
    BrokerView full = broker("full", 0.3, 0.9, OptionalLong.empty(), 1);
    BrokerView roomy = broker("roomy", 0.35, 0.2, OptionalLong.empty(), 1);

    assertThat(policy.choose(List.of(full, roomy), clean("d"), 0).id()).isEqualTo("roomy");
    assertThat(policy.score(full, 0)).isCloseTo(0.6 * 0.3 + 0.4 * 0.9, within(1e-9));
  }

  @Test
  void one_device_costs_the_brokers_cpu_per_client_when_the_count_is_known() {
    BrokerView a = broker("a", 0.5, 0.0, OptionalLong.of(100), 1); // 0.005 CPU per client
    double before = policy.score(a, 0);

    policy.choose(List.of(a), clean("d"), 0);

    assertThat(policy.score(a, 0) - before).isCloseTo(0.6 * 0.005, within(1e-9));
  }

  @Test
  void at_light_load_the_message_rate_tells_brokers_apart() {
    BrokerView busy = new BrokerView("busy", Map.of(io.mqttdispatcher.protocol.Transport.MQTT, "busy:1883"), 0.011, 0.011,
        0.1, OptionalLong.of(4), java.util.OptionalDouble.of(1200), 1, true, false, 0);
    BrokerView quiet = new BrokerView("quiet", Map.of(io.mqttdispatcher.protocol.Transport.MQTT, "quiet:1883"), 0.009,
        0.009, 0.1, OptionalLong.of(4), java.util.OptionalDouble.of(600), 1, true, false, 0);

    assertThat(policy.choose(List.of(busy, quiet), clean("d"), 0).id()).isEqualTo("quiet");
    // Without rates on every broker the rate term is left out; CPU alone cannot tell these apart.
    BrokerView unknown = new BrokerView("unknown", quiet.endpoints(), 0.011, 0.011, 0.1, OptionalLong.of(4),
        java.util.OptionalDouble.empty(), 1, true, false, 0);
    Map<String, Integer> counts = burst(new LeastLoadPolicy(Duration.ofSeconds(5)), List.of(busy, unknown), 200);
    assertThat(counts.get("busy")).isBetween(80, 120);
    assertThat(counts.get("unknown")).isBetween(80, 120);
  }

  @Test
  void no_usable_broker_gives_null() {
    assertThat(policy.choose(List.of(), clean("d"), 0)).isNull();
  }
}

package io.mqttdispatcher.dispatcher.policy;

import static io.mqttdispatcher.dispatcher.policy.Brokers.broker;
import static io.mqttdispatcher.dispatcher.policy.Brokers.clean;
import static io.mqttdispatcher.dispatcher.policy.Brokers.settling;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeastLoadPolicyTest {
  private static final long S = 1_000_000_000L;
  private final LeastLoadPolicy policy = new LeastLoadPolicy(Duration.ofSeconds(5));

  private static Map<String, Integer> burst(BrokerPolicy p, List<BrokerView> brokers, int devices) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < devices; i++) {
      counts.merge(
          p.choose(brokers, clean("d" + i), 10 * S).id(),
          1,
          Integer::sum); // all in the same instant
    }
    return counts;
  }

  @Test
  void a_wave_over_equal_brokers_whose_counts_have_not_arrived_is_dealt_out_evenly() {
    // Brokers just restarted after an outage: idle, and no client count reported yet.
    List<BrokerView> brokers = List.of(broker("a", 0), broker("b", 0), broker("c", 0));
    Map<String, Integer> sent = new HashMap<>();

    for (int i = 0; i < 3000; i++) {
      sent.merge(policy.choose(brokers, clean("d" + i), 0).id(), 1, Integer::sum);
    }

    assertThat(sent.values()).allSatisfy(n -> assertThat(n).isBetween(999, 1001));
  }

  @Test
  void brokers_restarted_together_share_late_devices_by_count_whatever_their_start_burst_reads() {
    // After a power cut the three brokers took about 700 held devices each; accepting them made one
    // read 40 % CPU, the others 15 %. The devices whose backoff ran past the restart arrive one by
    // one: CPU that is the brokers' own start burst must not send every one of them elsewhere.
    long now = 10 * S;
    long settles = now + 3 * S;
    List<BrokerView> restarted =
        List.of(
            settling(broker("a", 0.40, 0.1, OptionalLong.of(700), 1), settles),
            settling(broker("b", 0.15, 0.1, OptionalLong.of(700), 1), settles),
            settling(broker("c", 0.15, 0.1, OptionalLong.of(700), 1), settles));
    Map<String, Integer> late = new HashMap<>();

    for (int i = 0; i < 900; i++) {
      late.merge(
          policy.choose(restarted, clean("d" + i), now + i * (S / 1000)).id(), 1, Integer::sum);
    }

    assertThat(late.values()).as("%s", late).allSatisfy(n -> assertThat(n).isBetween(290, 310));
  }

  @Test
  void a_broker_back_after_a_restart_costs_what_its_devices_cost_elsewhere() {
    // Two brokers busy with 1000 devices at 60 % CPU; the third just restarted empty and reads 90 %
    // while it starts. Its devices are expected to cost what they cost on the others, 0.0006 each:
    // it takes new devices until it holds about as many.
    long now = 10 * S;
    BrokerView a = broker("a", 0.60, 0.1, OptionalLong.of(1000), 1);
    BrokerView b = broker("b", 0.60, 0.1, OptionalLong.of(1000), 1);
    BrokerView back = settling(broker("c", 0.90, 0.1, OptionalLong.of(0), 1), now + 4 * S);

    Map<String, Integer> sent = burst(policy, List.of(a, b, back), 900);

    assertThat(sent.get("c")).as("%s", sent).isGreaterThanOrEqualTo(850);
    // Once settled, its own reading counts again: at 90 % it takes nothing.
    BrokerView settled = broker("c", 0.90, 0.1, OptionalLong.of(900), 1);
    assertThat(
            new LeastLoadPolicy(Duration.ofSeconds(5))
                .choose(List.of(a, b, settled), clean("x"), now)
                .id())
        .isNotEqualTo("c");
  }

  @Test
  void a_first_count_that_arrives_late_does_not_count_its_devices_twice() {
    // After a power cut: b's probe reported a count (0) at once, a's first report had none. 300
    // held
    // devices are dealt out, 150 each; then a's first count, 150, arrives while b's $SYS count
    // still says 0. Those 150 are the redirects sent to a, not 150 more: the next devices still go
    // to both alike.
    BrokerView b = broker("b", 0.0, 0.1, OptionalLong.of(0), 1);
    for (int i = 0; i < 300; i++) {
      policy.choose(List.of(broker("a", 0), b), clean("d" + i), 10 * S);
    }
    List<BrokerView> aCounted = List.of(broker("a", 0.0, 0.1, OptionalLong.of(150), 1), b);

    Map<String, Integer> next = burst(policy, aCounted, 100);

    assertThat(next.getOrDefault("a", 0)).as("%s", next).isBetween(45, 55);
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
      assertThat(LeastLoadPolicy.halfPower(t))
          .isCloseTo(Math.pow(0.5, t), within(0.0025 * Math.pow(0.5, t) + 1e-18));
    }
  }

  /** Share of {@code counts} that went to {@code id}, in percent. */
  private static double percent(Map<String, Integer> counts, String id) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return 100.0 * counts.getOrDefault(id, 0) / total;
  }

  @Test
  void load_is_utilisation_so_capacity_does_not_discount_it() {
    // A broker's cpu is already a fraction of what that broker can use: a bigger machine at 50 %
    // is as full as a small one at 50 %, and fuller than a small one at 30 %.
    BrokerView big = broker("big", 0.5, 0.1, OptionalLong.empty(), 2);
    BrokerView small = broker("small", 0.3, 0.1, OptionalLong.empty(), 1);

    assertThat(policy.choose(List.of(small, big), clean("d"), 0).id()).isEqualTo("small");
    assertThat(policy.score(big, 0))
        .isCloseTo(policy.score(broker("b", 0.5, 0.1, OptionalLong.empty(), 1), 0), within(1e-12));
  }

  @ParameterizedTest
  @ValueSource(ints = {300, 3000, 30_000})
  void a_storm_over_restarted_brokers_follows_capacity_however_large(int devices) {
    // Just restarted: no CPU, no clients yet, so every device is assumed to cost the default share.
    List<BrokerView> brokers =
        List.of(
            broker("a", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("b", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("c", 0.0, 0.1, OptionalLong.of(0), 2));

    Map<String, Integer> counts = burst(policy, brokers, devices);

    assertThat(percent(counts, "a")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "b")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "c")).isCloseTo(50, within(5.0));
  }

  @Test
  void a_storm_that_lasts_several_windows_still_follows_capacity() {
    List<BrokerView> brokers =
        List.of(
            broker("a", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("b", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("c", 0.0, 0.1, OptionalLong.of(0), 2));
    Map<String, Integer> counts = new HashMap<>();

    for (int i = 0; i < 30_000; i++) { // 1000 devices a second for 30 s, reports unchanged
      counts.merge(policy.choose(brokers, clean("d" + i), i * (S / 1000)).id(), 1, Integer::sum);
    }

    assertThat(percent(counts, "a")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "b")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "c")).isCloseTo(50, within(5.0));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void a_machine_twice_as_big_at_the_same_utilisation_takes_half_the_new_devices(
      boolean clientsKnown) {
    // As the docs say: --capacity 2 on the machine with twice the cores, cpu reported as
    // utilisation.
    BrokerView big =
        broker("big", 0.5, 0.2, clientsKnown ? OptionalLong.of(2000) : OptionalLong.empty(), 2);
    BrokerView a =
        broker("a", 0.5, 0.2, clientsKnown ? OptionalLong.of(1000) : OptionalLong.empty(), 1);
    BrokerView b =
        broker("b", 0.5, 0.2, clientsKnown ? OptionalLong.of(1000) : OptionalLong.empty(), 1);

    Map<String, Integer> counts = burst(policy, List.of(big, a, b), 2000);

    assertThat(percent(counts, "big")).isCloseTo(50, within(5.0));
    assertThat(percent(counts, "a")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "b")).isCloseTo(25, within(5.0));
  }

  @Test
  void when_a_broker_dies_its_devices_spread_over_the_survivors_by_capacity() {
    // d (capacity 2) is gone; its 3000 devices come back to a, b and c, all at 40 %.
    List<BrokerView> survivors =
        List.of(
            broker("a", 0.4, 0.2, OptionalLong.of(1000), 1),
            broker("b", 0.4, 0.2, OptionalLong.of(1000), 1),
            broker("c", 0.4, 0.2, OptionalLong.of(2000), 2));

    Map<String, Integer> counts = burst(policy, survivors, 3000);

    assertThat(percent(counts, "a")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "b")).isCloseTo(25, within(5.0));
    assertThat(percent(counts, "c")).isCloseTo(50, within(5.0));
  }

  @Test
  void when_a_broker_dies_a_survivor_already_fuller_gets_fewer_of_its_devices() {
    // a is at 60 %, b and c at 30 %; one device costs 0.1 points of a or b and 0.05 of c (twice
    // the capacity). Filling them to one level L: (L-0.6)/0.001 + (L-0.3)/0.001 + (L-0.3)/0.0005 =
    // 2000 gives L = 0.875: a 275, b 575, c 1150 devices.
    List<BrokerView> survivors =
        List.of(
            broker("a", 0.6, 0.2, OptionalLong.of(600), 1),
            broker("b", 0.3, 0.2, OptionalLong.of(300), 1),
            broker("c", 0.3, 0.2, OptionalLong.of(600), 2));

    Map<String, Integer> counts = burst(policy, survivors, 2000);

    assertThat(counts.getOrDefault("a", 0)).isLessThan(counts.getOrDefault("b", 0));
    assertThat(percent(counts, "a")).isCloseTo(100.0 * 275 / 2000, within(3.0));
    assertThat(percent(counts, "b")).isCloseTo(100.0 * 575 / 2000, within(3.0));
    assertThat(percent(counts, "c")).isCloseTo(100.0 * 1150 / 2000, within(3.0));
  }

  @Test
  void a_device_of_unknown_cost_costs_the_default_share_of_a_capacity_1_broker() {
    BrokerView small = broker("small", 0.2, 0.0, OptionalLong.of(0), 1);
    BrokerView big = broker("big", 0.2, 0.0, OptionalLong.empty(), 4);
    double smallBefore = policy.score(small, 0);
    double bigBefore = policy.score(big, 0);

    policy.choose(List.of(small), clean("d1"), 0);
    policy.choose(List.of(big), clean("d2"), 0);

    assertThat(policy.score(small, 0) - smallBefore)
        .isCloseTo(0.6 * LeastLoadPolicy.DEFAULT_DEVICE_CPU, within(1e-12));
    assertThat(policy.score(big, 0) - bigBefore)
        .isCloseTo(0.6 * LeastLoadPolicy.DEFAULT_DEVICE_CPU / 4, within(1e-12));
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
  void a_broker_whose_cpu_per_client_reads_near_zero_still_costs_the_minimum_share_per_device() {
    // 6 % CPU over a million clients: 0.00000006 per client, below the minimum share.
    BrokerView small = broker("small", 0.06, 0.0, OptionalLong.of(1_000_000), 1);
    BrokerView big = broker("big", 0.06, 0.0, OptionalLong.of(1_000_000), 2);

    policy.choose(List.of(small), clean("d1"), 0);
    policy.choose(List.of(big), clean("d2"), 0);

    assertThat(policy.score(small, 0))
        .isCloseTo(0.6 * (0.06 + LeastLoadPolicy.MIN_DEVICE_CPU), within(1e-12));
    assertThat(policy.score(big, 0))
        .isCloseTo(0.6 * (0.06 + LeastLoadPolicy.MIN_DEVICE_CPU / 2), within(1e-12));
  }

  @Test
  void below_the_noise_floor_cpu_differences_do_not_count_and_client_counts_decide() {
    // Idle brokers whose CPU reads differ by a few points of noise; the "quieter" one already holds
    // more devices. Returning devices must spread by client count, not pile onto the quiet one.
    BrokerView noisy = broker("noisy", 0.04, 0.0, OptionalLong.of(50), 1);
    BrokerView quiet = broker("quiet", 0.005, 0.0, OptionalLong.of(60), 1);
    List<BrokerView> both = List.of(noisy, quiet);

    int toQuiet = 0;
    for (int i = 0; i < 40; i++) {
      if (policy.choose(both, clean("r" + i), 0).id().equals("quiet")) {
        toQuiet++;
      }
    }

    // 110 devices in all: 55 each is even; the first 10 go to the broker with fewer clients.
    assertThat(toQuiet).isBetween(14, 16);
  }

  @Test
  void when_one_survivors_count_arrives_before_the_others_the_returning_devices_still_spread() {
    // The storm of loadgen storm: three idle brokers took 50 devices each; the counts in their
    // reports lag (Mosquitto's $SYS interval, then the probe's report). When one broker dies, one
    // survivor's report already counts its 50 devices while the other's still says 0. Its 50
    // devices were sent by this dispatcher 1.5 s ago and are not gone: the 50 returning devices
    // must
    // not all go to the survivor whose count has not arrived yet.
    List<BrokerView> before =
        List.of(
            broker("a", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("b", 0.0, 0.1, OptionalLong.of(0), 1),
            broker("c", 0.0, 0.1, OptionalLong.of(0), 1));
    for (int i = 0; i < 150; i++) {
      policy.choose(before, clean("d" + i), i * (S / 300)); // 300 connects a second
    }
    long kill = 2 * S;
    List<BrokerView> survivors =
        List.of(
            broker("b", 0.02, 0.1, OptionalLong.of(50), 1),
            broker("c", 0.0, 0.1, OptionalLong.of(0), 1));

    Map<String, Integer> returning = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      returning.merge(
          policy.choose(survivors, clean("d" + i), kill + i * (S / 500)).id(), 1, Integer::sum);
    }

    int b = 50 + returning.getOrDefault("b", 0);
    int c = 50 + returning.getOrDefault("c", 0);
    assertThat(Math.max(b, c) / 75.0).as("b %d, c %d", b, c).isLessThanOrEqualTo(1.1);
  }

  @Test
  void a_rise_in_the_reported_count_takes_back_the_redirects_it_shows() {
    BrokerView empty = broker("a", 0.0, 0.1, OptionalLong.of(0), 1);
    BrokerView other = broker("b", 0.0, 0.1, OptionalLong.of(30), 1);
    for (int i = 0; i < 30; i++) {
      policy.choose(List.of(empty), clean("d" + i), 10 * S); // the instant of the burst below
    }

    // The count shows the 30 devices: a and b hold the same, so new devices alternate.
    BrokerView counted = broker("a", 0.0, 0.1, OptionalLong.of(30), 1);
    Map<String, Integer> counts = burst(policy, List.of(counted, other), 20);

    assertThat(counts.get("a")).isBetween(9, 11);
    assertThat(counts.get("b")).isBetween(9, 11);
  }

  @Test
  void below_the_noise_floor_a_device_costs_the_minimum_share_whether_or_not_clients_are_known() {
    BrokerView known = broker("known", 0.01, 0.0, OptionalLong.of(50), 1);
    BrokerView unknown = broker("unknown", 0.01, 0.0, OptionalLong.of(0), 1);
    BrokerView none = broker("none", 0.01, 0.0, OptionalLong.empty(), 2);

    for (BrokerView b : List.of(known, unknown, none)) {
      for (int i = 0; i < 100; i++) {
        policy.choose(List.of(b), clean("d" + i), 0);
      }
    }

    // 100 devices at the minimum share still leave all three at the floor.
    for (BrokerView b : List.of(known, unknown, none)) {
      assertThat(policy.score(b, 0))
          .as(b.id())
          .isCloseTo(0.6 * LeastLoadPolicy.CPU_NOISE_FLOOR, within(1e-12));
    }
  }

  @Test
  void at_light_load_the_message_rate_tells_brokers_apart() {
    BrokerView busy =
        new BrokerView(
            "busy",
            Map.of(io.mqttdispatcher.protocol.Transport.MQTT, "busy:1883"),
            0.011,
            0.011,
            0.1,
            OptionalLong.of(4),
            java.util.OptionalDouble.of(1200),
            1,
            true,
            false,
            0);
    BrokerView quiet =
        new BrokerView(
            "quiet",
            Map.of(io.mqttdispatcher.protocol.Transport.MQTT, "quiet:1883"),
            0.009,
            0.009,
            0.1,
            OptionalLong.of(4),
            java.util.OptionalDouble.of(600),
            1,
            true,
            false,
            0);

    assertThat(policy.choose(List.of(busy, quiet), clean("d"), 0).id()).isEqualTo("quiet");
    // Without rates on every broker the rate term is left out; CPU alone cannot tell these apart.
    BrokerView unknown =
        new BrokerView(
            "unknown",
            quiet.endpoints(),
            0.011,
            0.011,
            0.1,
            OptionalLong.of(4),
            java.util.OptionalDouble.empty(),
            1,
            true,
            false,
            0);
    Map<String, Integer> counts =
        burst(new LeastLoadPolicy(Duration.ofSeconds(5)), List.of(busy, unknown), 200);
    assertThat(counts.get("busy")).isBetween(80, 120);
    assertThat(counts.get("unknown")).isBetween(80, 120);
  }

  @Test
  void no_usable_broker_gives_null() {
    assertThat(policy.choose(List.of(), clean("d"), 0)).isNull();
  }
}

package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.testing.LocalStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fleet on real Mosquitto brokers, through an in-process dispatcher or by DNS round-robin, losing
 * a broker.
 */
class FleetIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static FleetOptions options(int devices) {
    return new FleetOptions(
        devices,
        "fleet-it-",
        Duration.ofSeconds(60),
        200,
        Duration.ofSeconds(5),
        Duration.ofSeconds(1));
  }

  @Test
  void devices_through_the_dispatcher_come_back_on_the_survivor_when_their_broker_is_killed()
      throws Exception {
    DeadEndpoints dead = new DeadEndpoints();
    try (LocalStack stack = LocalStack.start(2);
        Fleet fleet =
            Fleet.start(options(40), EntryPoint.dispatcher(stack.dispatcherAddress()), dead);
        ConnectionTimeline timeline =
            ConnectionTimeline.start(fleet, stack.brokerAddresses(), Duration.ofMillis(50), null)) {
      HostPort first = stack.brokerAddress(0);
      HostPort second = stack.brokerAddress(1);
      assertThat(fleet.awaitAllConnected(WAIT)).as("every device connected").isNotNull();
      int onFirst = fleet.connectedTo(first);
      assertThat(onFirst + fleet.connectedTo(second)).isEqualTo(40);
      assertThat(onFirst).as("the dispatcher used both brokers").isPositive().isLessThan(40);
      long lossesBefore = fleet.losses();
      // The timeline has seen the fleet settled before the kill (it samples every 50 ms on its own
      // thread).
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(
              () -> {
                List<ConnectionTimeline.Sample> seen = timeline.samples();
                return !seen.isEmpty() && seen.get(seen.size() - 1).devices().get(0) == onFirst;
              });

      timeline.mark("kill");
      dead.markDown(first);
      long killedAt = System.nanoTime();
      stack.broker(0).kill();
      Duration back = fleet.awaitAllBack(killedAt, lossesBefore, onFirst, WAIT);

      assertThat(back).as("every device back").isNotNull();
      assertThat(fleet.connectedTo(first)).isZero();
      assertThat(fleet.connectedTo(second)).isEqualTo(40);
      assertThat(fleet.losses() - lossesBefore).isEqualTo(onFirst);
      assertThat(fleet.longestOutage()).isPositive().isLessThan(WAIT);
      AttemptCounts attempts = fleet.attempts();
      assertThat(attempts.landed()).isEqualTo(40 + onFirst);
      assertThat(attempts.redirected()).isGreaterThanOrEqualTo(40 + onFirst);
      assertThat(fleet.landingsOn(second))
          .as("the devices first there and those that came back")
          .isEqualTo(40);
      timeline.close();
      List<ConnectionTimeline.Sample> samples = timeline.samples();
      assertThat(samples).extracting(ConnectionTimeline.Sample::millis).isSorted();
      assertThat(samples.get(samples.size() - 1).devices()).containsExactly(0, 40);
      assertThat(samples).anySatisfy(s -> assertThat(s.devices().get(0)).isEqualTo(onFirst));
      assertThat(timeline.marks())
          .extracting(ConnectionTimeline.Mark::label)
          .containsExactly("kill");
    }
  }

  @Test
  void dns_round_robin_devices_try_the_next_address_and_count_the_dead_one() throws Exception {
    DeadEndpoints dead = new DeadEndpoints();
    try (LocalStack stack = LocalStack.start(3);
        Fleet fleet =
            Fleet.start(options(30), EntryPoint.dnsRoundRobin(stack.brokerAddresses()), dead)) {
      List<HostPort> brokers = stack.brokerAddresses();
      assertThat(fleet.awaitAllConnected(WAIT)).isNotNull();
      assertThat(brokers.stream().map(fleet::connectedTo)).containsExactly(10, 10, 10);
      long lossesBefore = fleet.losses();

      dead.markDown(brokers.get(0));
      long killedAt = System.nanoTime();
      stack.broker(0).kill();

      assertThat(fleet.awaitAllBack(killedAt, lossesBefore, 10, WAIT))
          .as("every device back")
          .isNotNull();
      assertThat(fleet.connectedTo(brokers.get(0))).isZero();
      assertThat(fleet.connectedTo(brokers.get(1)) + fleet.connectedTo(brokers.get(2)))
          .isEqualTo(30);
      // Any three lookups in a row answer each address once: the ten devices tried the dead one at
      // least three times.
      AttemptCounts attempts = fleet.attempts();
      assertThat(attempts.toDeadEndpoint()).isGreaterThanOrEqualTo(3);
      assertThat(attempts.failed()).isEqualTo(attempts.toDeadEndpoint());
      // A device whose connect reached the broker's accept queue as it died is reset, not refused.
      assertThat(attempts.failedBy().keySet())
          .isNotEmpty()
          .isSubsetOf("connection refused", "connection reset");
      assertThat(attempts.redirected()).isZero();
    }
  }

  @Test
  void closing_the_fleet_disconnects_every_device() throws Exception {
    try (LocalStack stack = LocalStack.start(1)) {
      Fleet fleet =
          Fleet.start(
              options(10), EntryPoint.dnsRoundRobin(stack.brokerAddresses()), new DeadEndpoints());
      assertThat(fleet.awaitAllConnected(WAIT)).isNotNull();

      fleet.close();

      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> fleet.connected() == 0);
      assertThat(fleet.losses()).as("leaving is not a loss").isZero();
    }
  }
}

package io.mqttdispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.mqttdispatcher.devicekit.DeviceConnection;
import io.mqttdispatcher.dispatcher.ctl.AdminClient;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.protocol.PlanState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rebalance, evacuation and drain across two dispatcher replicas: real Mosquitto brokers, a real
 * probe beside each (reporting to both replicas), and real devices that reconnect through a
 * dispatcher when their broker drops them ({@link RebalanceStack}).
 */
class RebalanceIT {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RebalanceIT.class);
  private static final Duration WAIT = RebalanceStack.WAIT;

  private @Nullable RebalanceStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  private RebalanceStack stack(int brokerCount, int replicaCount) throws Exception {
    return stack(brokerCount, replicaCount, new String[0]);
  }

  private RebalanceStack stack(int brokerCount, int replicaCount, String... dispatcherArgs)
      throws Exception {
    stack = RebalanceStack.start(brokerCount, replicaCount, dispatcherArgs);
    return stack;
  }

  private static @Nullable PlanState planState(Probe probe) {
    var plan = probe.state().plan();
    return plan == null ? null : plan.state();
  }

  @Test
  void drain_given_to_one_replica_holds_on_every_replica() throws Exception {
    RebalanceStack s = stack(2, 2);

    AdminClient.Response r = s.admin(0).post("/brokers/b0/drain", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().getString("scope")).contains("every dispatcher");
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.admin(1).get("/brokers").body().getJsonArray("brokers").stream()
                    .map(JsonObject.class::cast)
                    .anyMatch(b -> b.getString("id").equals("b0") && b.getBoolean("draining")));
    s.connectDevices(10, 1); // through the replica that was not asked
    assertThat(s.onBroker(0))
        .as("devices sent to the drained broker by the other replica")
        .isZero();
    assertThat(s.onBroker(1)).isEqualTo(10);

    assertThat(s.admin(1).post("/brokers/b0/undrain", null).status()).isEqualTo(200);
    s.awaitUsable(0, 2);
  }

  @Test
  void evacuation_moves_every_device_off_at_the_rate_and_leaves_no_session_behind()
      throws Exception {
    RebalanceStack s = stack(2, 2);
    s.allDevicesOnTheFirstBroker(40, 1);
    s.awaitUsable(0, 2);
    Mqtt5BlockingClient watcher =
        Mqtt5Client.builder()
            .identifier("watcher")
            .serverHost("127.0.0.1")
            .serverPort(s.broker(0).port())
            .buildBlocking();
    watcher.connect();
    Mqtt5BlockingClient.Mqtt5Publishes published =
        watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
    watcher.subscribeWith().topicFilter("#").send();

    AdminClient.Response r =
        s.admin(0).post("/brokers/b0/evacuate", new JsonObject().put("rate", 20));

    assertThat(r.status()).as(r.body().encode()).isEqualTo(200);
    // The probe's own count, sampled as it moves devices: the count and the time at the first
    // sample past the 5th and past the 35th. The rate is taken from the counts actually read at
    // those two moments, so a sample that comes late (a busy test thread) shifts the window, not
    // the rate.
    long[] at = new long[2];
    long[] count = new long[2];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              var plan = s.probe(0).state().plan();
              long now = System.nanoTime();
              long evicted = plan.evicted();
              if (at[0] == 0 && evicted >= 5) {
                at[0] = now;
                count[0] = evicted;
              }
              if (at[1] == 0 && evicted >= 35) {
                at[1] = now;
                count[1] = evicted;
              }
              return plan.state() == PlanState.DONE;
            });
    await().atMost(WAIT).until(() -> s.onBroker(1) == 40);
    assertThat(s.onBroker(0)).isZero();
    assertThat(s.probe(0).state().plan().evicted()).isEqualTo(40);
    assertThat(s.probe(0).state().draining()).as("an evacuated broker stays drained").isTrue();
    JsonObject status = s.admin(1).get("/brokers/b0/evacuate").body();
    assertThat(status.getString("state")).as("the other replica sees the same").isEqualTo("done");
    assertThat(status.getLong("evicted")).isEqualTo(40);
    double measured = (count[1] - count[0]) / ((at[1] - at[0]) / 1e9);
    LOG.info(
        "evacuation: devices moved at {} per second (plan: 20), devices back through a dispatcher at {} per second",
        String.format(Locale.ROOT, "%.1f", measured),
        String.format(Locale.ROOT, "%.1f", rate(s.reconnects())));
    assertThat(measured).as("devices per second moved, plan 20").isBetween(16.0, 24.0);
    assertThat(s.reconnects()).as("every moved device came back through a dispatcher").hasSize(40);
    // No session or will left behind by the takeovers: a clean device id resumes nothing, nothing
    // was published.
    assertThat(published.receive(200, TimeUnit.MILLISECONDS))
        .as("a will published by a takeover")
        .isEmpty();
    watcher.disconnect();
    Mqtt5ConnAck ack =
        Mqtt5Client.builder()
            .identifier("device-3")
            .serverHost("127.0.0.1")
            .serverPort(s.broker(0).port())
            .buildBlocking()
            .connectWith()
            .cleanStart(false)
            .send();
    assertThat(ack.isSessionPresent()).as("a session left on the evacuated broker").isFalse();
  }

  @Test
  void
      rebalance_moves_devices_to_the_recipient_until_within_thresholds_and_donors_get_none_from_any_replica()
          throws Exception {
    RebalanceStack s = stack(2, 2);
    s.allDevicesOnTheFirstBroker(40, 0);
    s.awaitConnectionCounts(1, 40, 0);

    AdminClient.Response r =
        s.admin(0)
            .post(
                "/rebalance",
                new JsonObject()
                    .put("rate", 5)
                    .put("absThreshold", 4)
                    .put("relThreshold", 1.0)
                    .put("waitSeconds", 1));

    assertThat(r.status()).as(r.body().encode()).isEqualTo(200);
    assertThat(r.body().getJsonArray("donors").getJsonObject(0).getString("id")).isEqualTo("b0");
    assertThat(r.body().getJsonArray("recipients")).isEqualTo(new JsonArray().add("b1"));
    // The donor gets no new devices from any replica while the plan runs.
    s.awaitUsable(0, 1);
    s.awaitUsable(1, 1);
    await()
        .atMost(WAIT)
        .until(() -> "done".equals(s.admin(1).get("/rebalance").body().getString("state")));
    await().atMost(WAIT).until(() -> s.devices().stream().allMatch(DeviceConnection::isConnected));
    long left = s.onBroker(0);
    LOG.info(
        "rebalance: {} of 40 devices left on the donor, {} on the recipient (absolute threshold 4, 5 per second)",
        left,
        40 - left);
    // 40 split within the threshold of 4; counts reach the dispatchers up to ~1.5 s late, so at 5/s
    // a few more may move before the donor is seen within it.
    assertThat(left).as("devices left on the donor").isBetween(8L, 22L);
    assertThat(s.onBroker(1)).isEqualTo(40 - left);
    // "evicted" counts takeovers made: a takeover of an id whose device was already on its way
    // (reconnecting) moves nobody, so the count may exceed the devices moved by one or two.
    assertThat(s.admin(0).get("/rebalance").body().getLong("evicted"))
        .isBetween(40 - left, 42 - left);
  }

  @Test
  void rebalance_stopped_midway_stops_evicting() throws Exception {
    RebalanceStack s = stack(2, 1);
    s.allDevicesOnTheFirstBroker(30, 0);
    s.awaitConnectionCounts(0, 30, 0);
    assertThat(
            s.admin(0)
                .post(
                    "/rebalance",
                    new JsonObject()
                        .put("rate", 4)
                        .put("absThreshold", 0)
                        .put("relThreshold", 1.0)
                        .put("waitSeconds", 0))
                .status())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> s.probe(0).state().plan().evicted() >= 3);

    AdminClient.Response stopped = s.admin(0).delete("/rebalance");

    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().getString("state")).isEqualTo("stopped");
    long evicted = s.probe(0).state().plan().evicted();
    // At 4 devices/s, a plan still running would move about 6 more in 1.5 s; one may have been in
    // flight when the stop came.
    await("the stopped plan evicting no more than the one in flight, for 1.5 s")
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofMillis(2500))
        .until(() -> s.probe(0).state().plan().evicted(), n -> n <= evicted + 1);
    assertThat(s.onBroker(0)).isGreaterThan(20);
  }

  @Test
  void a_probe_that_loses_every_dispatcher_mid_plan_stops_evicting() throws Exception {
    RebalanceStack s = stack(2, 1);
    s.allDevicesOnTheFirstBroker(30, 0);
    // Slow enough that the plan is far from done however long closing the dispatcher takes.
    assertThat(s.admin(0).post("/brokers/b0/evacuate", new JsonObject().put("rate", 1)).status())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> s.probe(0).state().plan().evicted() >= 2);

    s.dispatcher(0).close();

    await().atMost(WAIT).until(() -> planState(s.probe(0)) == PlanState.FAILED);
    assertThat(s.probe(0).state().plan().reason()).contains("lost every dispatcher");
    long evicted = s.probe(0).state().plan().evicted();
    assertThat(evicted).isLessThan(30);
    // At 1 device/s, a plan still running would move two or three more in 2.5 s.
    await("the failed plan evicting no more than the one in flight, for 2.5 s")
        .during(Duration.ofMillis(2500))
        .atMost(Duration.ofMillis(3500))
        .until(() -> s.probe(0).state().plan().evicted(), n -> n <= evicted + 1);
  }

  @Test
  void automatic_mode_starts_one_plan_after_the_imbalance_lasts_and_stops_at_the_tighter_bound()
      throws Exception {
    // Start when 10 connections and 1.5 times above for 3 s; the plan stops at 5 and 1.25, moving 2
    // a second (slow enough that the reports' lag moves at most a few too many); then 60 s of
    // cool-down.
    RebalanceStack s =
        stack(
            2,
            1,
            "--auto-rebalance",
            "--auto-rebalance-after=3s",
            "--auto-rebalance-cool-down=60s",
            "--auto-rebalance-abs-threshold=10",
            "--auto-rebalance-rel-threshold=1.5",
            "--auto-rebalance-rate=2");
    s.allDevicesOnTheFirstBroker(40, 0);
    long imbalancedAt = System.nanoTime(); // b1 takes devices again: not before

    await()
        .atMost(WAIT)
        .until(() -> "done".equals(s.admin(0).get("/rebalance").body().getString("state")));
    await().atMost(WAIT).until(() -> s.devices().stream().allMatch(DeviceConnection::isConnected));

    JsonObject status = s.admin(0).get("/rebalance").body();
    JsonObject automatic = status.getJsonObject("automatic");
    assertThat(automatic.getLong("starts")).isEqualTo(1);
    assertThat(status.getDouble("absThreshold")).as("the plan's own, tighter bound").isEqualTo(5.0);
    assertThat(status.getDouble("relThreshold")).isEqualTo(1.25);
    assertThat(s.reconnects()).isNotEmpty();
    long firstMove = Collections.min(s.reconnects());
    assertThat(Duration.ofNanos(firstMove - imbalancedAt))
        .as("no move before the imbalance lasted 3 s")
        .isGreaterThan(Duration.ofSeconds(3));
    long left = s.onBroker(0);
    LOG.info("automatic rebalance: {} of 40 devices left on the donor, {} moved", left, 40 - left);
    // Done below 23 (recipient's count plus 5); at most a few more moved while the counts travel.
    assertThat(left).as("devices left on the donor").isBetween(15L, 22L);
    assertThat(
            AutomaticTrigger.imbalanced(
                List.of(
                    new AutomaticTrigger.Load("b0", left),
                    new AutomaticTrigger.Load("b1", 40 - left)),
                10,
                1.5))
        .as("what the plan left starts nothing")
        .isFalse();
    // Balanced now: once the trigger has looked at the counts the plan left, it sees them balanced
    // (no second plan can follow), and it started one plan.
    JsonObject settled =
        await("automatic mode to find the counts the plan left balanced")
            .atMost(WAIT)
            .until(
                () -> s.admin(0).get("/rebalance").body().getJsonObject("automatic"),
                a -> "balanced".equals(a.getString("state")));
    assertThat(settled.getLong("starts")).isEqualTo(1);
  }

  @Test
  void automatic_mode_is_off_by_default() throws Exception {
    RebalanceStack s = stack(2, 1);
    s.allDevicesOnTheFirstBroker(20, 0);
    // The dispatcher sees 20 against 0. Waiting longer would prove nothing: automatic mode, were
    // it on, would wait --auto-rebalance-after (60 s by default) first; what shows it is off is
    // that the status has no automatic state at all.
    s.awaitConnectionCounts(0, 20, 0);

    JsonObject status = s.admin(0).get("/rebalance").body();
    assertThat(status.getString("state")).isEqualTo("none");
    assertThat(status.containsKey("automatic")).isFalse();
    assertThat(s.onBroker(0)).isEqualTo(20);
  }

  /** Devices per second over the reconnect times, first to last. */
  private static double rate(List<Long> nanos) {
    List<Long> sorted;
    synchronized (nanos) {
      sorted = new ArrayList<>(nanos);
    }
    Collections.sort(sorted);
    assertThat(sorted.size()).isGreaterThan(10);
    return (sorted.size() - 1) / ((sorted.get(sorted.size() - 1) - sorted.get(0)) / 1e9);
  }
}

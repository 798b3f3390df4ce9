package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParkingLotTest {
  private static final class Held implements ParkingLot.Parked {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  private static List<Held> park(ParkingLot lot, int n) {
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Held h = new Held();
      assertThat(lot.enter(h)).isTrue();
      held.add(h);
    }
    return held;
  }

  private static long woken(List<Held> held) {
    return held.stream().filter(h -> h.wakes.get() > 0).count();
  }

  @Test
  void without_a_rate_every_held_connection_is_woken_at_once() {
    ParkingLot lot = new ParkingLot(2000);
    List<Held> held = park(lot, 1000);

    lot.wake(0);

    assertThat(woken(held)).isEqualTo(1000);
  }

  @Test
  void with_a_rate_the_wave_goes_a_slice_per_tick_until_every_one_is_woken_once() {
    ParkingLot lot = new ParkingLot(2000);
    List<Held> held = park(lot, 1000);

    lot.wake(10_000); // 100 every 10 ms

    assertThat(woken(held)).isEqualTo(100);
    await().atMost(Duration.ofSeconds(5)).until(() -> woken(held) == 1000);
    assertThat(held).allSatisfy(h -> assertThat(h.wakes.get()).isEqualTo(1));
  }

  @Test
  void a_new_wake_replaces_a_paced_release_under_way() throws Exception {
    ParkingLot lot = new ParkingLot(2000);
    List<Held> held = park(lot, 1000);
    lot.wake(100); // one every 10 ms: 10 s for all

    lot.wake(0);
    Thread.sleep(100); // ten ticks of the old release, had it gone on

    assertThat(woken(held)).isEqualTo(1000);
    assertThat(held.stream().mapToInt(h -> h.wakes.get()).sum()).isEqualTo(1001);
  }
}

package io.mqttdispatcher.probe.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuMathTest {
  // Two "cpu" lines of /proc/stat, one second apart, in OSHI's TickType order:
  //                                user  nice system idle  iowait irq softirq steal
  private static final long[] BEFORE = {4705, 356, 584, 3699, 23, 23, 0, 0};
  private static final long[] AFTER = {4805, 356, 634, 3749, 73, 33, 10, 0};

  @Test
  void host_load_is_the_share_of_ticks_neither_idle_nor_iowait() {
    // deltas: user 100, system 50, idle 50, iowait 50, irq 10, softirq 10 -> 170 busy of 270
    assertThat(CpuMath.hostLoad(BEFORE, AFTER)).isCloseTo(170.0 / 270.0, within(1e-12));
  }

  @Test
  void host_load_is_zero_when_no_tick_passed() {
    assertThat(CpuMath.hostLoad(AFTER, AFTER)).isZero();
  }

  @Test
  void host_load_of_a_fully_idle_interval_is_zero_and_of_a_fully_busy_one_is_one() {
    long[] idle = BEFORE.clone();
    idle[3] += 400;
    long[] busy = BEFORE.clone();
    busy[0] += 300;
    busy[2] += 100;
    assertThat(CpuMath.hostLoad(BEFORE, idle)).isZero();
    assertThat(CpuMath.hostLoad(BEFORE, busy)).isEqualTo(1.0);
  }

  @Test
  void host_load_ignores_counters_that_went_backwards() {
    long[] wrapped = AFTER.clone();
    wrapped[5] = 0; // irq counter reset: counted as no change, not as negative time
    assertThat(CpuMath.hostLoad(BEFORE, wrapped)).isCloseTo(160.0 / 260.0, within(1e-12));
  }

  @Test
  void host_load_rejects_snapshots_of_different_shapes() {
    assertThatThrownBy(() -> CpuMath.hostLoad(BEFORE, new long[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void process_load_is_utilisation_of_the_cores_the_broker_can_use() {
    // 2000 ms of CPU in 1000 ms of wall time: two cores busy.
    ProcessTimes before = new ProcessTimes(42, 1_000, 10_000, 50_000);
    ProcessTimes after = new ProcessTimes(42, 1_000, 12_000, 51_000);
    assertThat(CpuMath.processLoad(before, after, 4)).isCloseTo(0.5, within(1e-12));
    assertThat(CpuMath.processLoad(before, after, 8)).isCloseTo(0.25, within(1e-12));
    assertThat(CpuMath.processLoad(before, after, 2.5))
        .isCloseTo(0.8, within(1e-12)); // a 2.5-CPU container limit
  }

  @Test
  void a_saturated_single_threaded_broker_on_an_8_core_host_reads_one_not_an_eighth() {
    // Mosquitto keeps its one core busy: 1000 ms of CPU in 1000 ms of wall time.
    ProcessTimes before = new ProcessTimes(42, 1_000, 10_000, 50_000);
    ProcessTimes after = new ProcessTimes(42, 1_000, 11_000, 51_000);

    assertThat(CpuMath.processLoad(before, after, CpuMath.usableCores(1.0, 8))).isEqualTo(1.0);
    assertThat(CpuMath.processLoad(before, after, CpuMath.usableCores(null, 8)))
        .isEqualTo(0.125); // the whole host
  }

  @Test
  void host_share_becomes_utilisation_of_the_brokers_cores() {
    // One of 8 cores busy on a host that runs only Mosquitto: 1/8 of the host, all of Mosquitto's
    // core.
    assertThat(CpuMath.utilisation(0.125, 8, CpuMath.usableCores(1.0, 8))).isEqualTo(1.0);
    assertThat(CpuMath.utilisation(0.0625, 8, CpuMath.usableCores(1.0, 8))).isEqualTo(0.5);
    assertThat(CpuMath.utilisation(0.125, 8, CpuMath.usableCores(null, 8))).isEqualTo(0.125);
    // Other work on the host beyond the broker's core is not the broker's: capped at 1.
    assertThat(CpuMath.utilisation(0.5, 8, 1)).isEqualTo(1.0);
  }

  @Test
  void a_machine_twice_as_big_doing_twice_the_work_reads_the_same_utilisation() {
    // 4 of 8 cores busy, and 8 of 16: both half full (the bigger one is given --capacity 2).
    ProcessTimes before = new ProcessTimes(42, 1_000, 0, 0);
    assertThat(
            CpuMath.processLoad(
                before, new ProcessTimes(42, 1_000, 4_000, 1_000), CpuMath.usableCores(null, 8)))
        .isEqualTo(
            CpuMath.processLoad(
                before, new ProcessTimes(42, 1_000, 8_000, 1_000), CpuMath.usableCores(null, 16)))
        .isEqualTo(0.5);
  }

  @Test
  void usable_cores_are_the_brokers_at_most_the_hosts() {
    assertThat(CpuMath.usableCores(null, 8)).isEqualTo(8);
    assertThat(CpuMath.usableCores(1.0, 8)).isEqualTo(1);
    assertThat(CpuMath.usableCores(1.5, 8)).isEqualTo(1.5);
    assertThat(CpuMath.usableCores(16.0, 8)).isEqualTo(8);
    assertThatThrownBy(() -> CpuMath.usableCores(0.0, 8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuMath.usableCores(null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void process_load_of_one_busy_core_on_a_two_core_host_is_one_half() {
    ProcessTimes before = new ProcessTimes(7, 5, 300, 10_000);
    ProcessTimes after = new ProcessTimes(7, 5, 1_300, 11_000);
    assertThat(CpuMath.processLoad(before, after, 2)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void process_load_is_capped_at_one() {
    // Accounting granularity can make CPU time run slightly ahead of wall time.
    ProcessTimes before = new ProcessTimes(7, 5, 0, 0);
    ProcessTimes after = new ProcessTimes(7, 5, 2_100, 1_000);
    assertThat(CpuMath.processLoad(before, after, 2)).isEqualTo(1.0);
  }

  @Test
  void process_load_is_zero_across_a_restart_or_without_elapsed_time() {
    ProcessTimes before = new ProcessTimes(7, 5, 10_000, 1_000);
    ProcessTimes restartedSamePid = new ProcessTimes(7, 9_000, 20, 2_000);
    ProcessTimes otherPid = new ProcessTimes(8, 5, 11_000, 2_000);
    ProcessTimes sameInstant = new ProcessTimes(7, 5, 10_500, 1_000);
    assertThat(CpuMath.processLoad(before, restartedSamePid, 2)).isZero();
    assertThat(CpuMath.processLoad(before, otherPid, 2)).isZero();
    assertThat(CpuMath.processLoad(before, sameInstant, 2)).isZero();
  }

  @Test
  void memory_is_a_fraction_of_the_total() {
    assertThat(CpuMath.fraction(2L << 30, 8L << 30)).isEqualTo(0.25);
    assertThat(CpuMath.fraction(1, 0)).isZero();
  }
}

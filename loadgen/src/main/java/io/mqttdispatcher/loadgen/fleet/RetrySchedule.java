package io.mqttdispatcher.loadgen.fleet;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a device tries again after failed attempts: the schedule of {@code DeviceConnection}, so that
 * devices of both entry points retry alike. After failure n the wait is between half and all of
 * {@code min(cap, 100 ms * 2^(n-1))}.
 */
final class RetrySchedule {
  static final long FIRST_MILLIS = 100;

  private RetrySchedule() {}

  /** The wait after {@code failures} failures in a row (1 for the first). */
  static long delayMillis(int failures, Duration cap) {
    long ceiling = Math.min(cap.toMillis(), FIRST_MILLIS << Math.min(Math.max(failures - 1, 0), 20));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }
}

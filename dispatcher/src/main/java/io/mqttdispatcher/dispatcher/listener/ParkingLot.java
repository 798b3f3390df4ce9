package io.mqttdispatcher.dispatcher.listener;

import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The device connections held open while no broker of their group is usable ({@link
 * io.mqttdispatcher.dispatcher.config.Parking}). Bounded; a connection leaves when it is answered
 * or closes. {@link #wake} asks the held connections, on their own event loops, to decide again:
 * all at once, or paced, so that a wave of thousands released together does not arrive at the
 * brokers in the same millisecond (a broker's accept queue, 100 connections for Mosquitto,
 * overflows, and each connection it drops costs its device a second or more of the kernel's
 * retransmission). Thread-safe; free when nothing is held.
 */
final class ParkingLot {
  /** A held connection. */
  interface Parked {
    /** Decide again, soon, on the connection's own event loop; callable from any thread. */
    void wake();
  }

  /** How often a paced release lets the next slice go. */
  static final long TICK_MILLIS = 10;

  private final int max;
  private final AtomicInteger size = new AtomicInteger();
  private final Set<Parked> parked = ConcurrentHashMap.newKeySet();
  private @Nullable ScheduledFuture<?> release; // the paced release under way, if any

  ParkingLot(int max) {
    this.max = max;
  }

  /** Whether a connection could be held now. */
  boolean hasRoom() {
    return size.get() < max;
  }

  /** Holds {@code p}; false when the lot is full. */
  boolean enter(Parked p) {
    if (size.incrementAndGet() > max) {
      size.decrementAndGet();
      return false;
    }
    parked.add(p);
    return true;
  }

  /** Lets {@code p} go; does nothing when it is not held. */
  void leave(Parked p) {
    if (parked.remove(p)) {
      size.decrementAndGet();
    }
  }

  /**
   * Asks every held connection to decide again, at most {@code perSecond} a second (0: all at
   * once); returns at once when none is held. A new call replaces a paced release under way.
   */
  synchronized void wake(int perSecond) {
    ScheduledFuture<?> running = release;
    if (running != null) {
      running.cancel(false);
      release = null;
    }
    if (size.get() == 0) {
      return;
    }
    if (perSecond <= 0) {
      for (Parked p : parked) {
        p.wake();
      }
      return;
    }
    Release wave = new Release(parked.toArray(new Parked[0]), perSecond);
    if (wave.step()) {
      wave.future =
          GlobalEventExecutor.INSTANCE.scheduleAtFixedRate(
              wave, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
      release = wave.future;
    }
  }

  /** One paced release: a slice of the held connections every tick, until all were woken. */
  private static final class Release implements Runnable {
    private final Parked[] wave;
    private final int slice;
    private int next; // confined: the caller of wake, then the scheduler's thread
    volatile @Nullable ScheduledFuture<?> future;

    Release(Parked[] wave, int perSecond) {
      this.wave = wave;
      this.slice = (int) Math.max(1, (long) perSecond * TICK_MILLIS / 1000);
    }

    /** Wakes the next slice; whether some are left. */
    boolean step() {
      int end = Math.min(wave.length, next + slice);
      for (int i = next; i < end; i++) {
        wave[i].wake();
      }
      next = end;
      return end < wave.length;
    }

    @Override
    public void run() {
      if (!step()) {
        ScheduledFuture<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }

  int size() {
    return size.get();
  }
}

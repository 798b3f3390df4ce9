package io.mqttdispatcher.dispatcher.listener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The device connections held open while no broker of their group is usable ({@link
 * io.mqttdispatcher.dispatcher.config.Parking}). Bounded; a connection leaves when it is answered
 * or closes. {@link #wake()} asks every held connection, on its own event loop, to decide again.
 * Thread-safe; free when nothing is held.
 */
final class ParkingLot {
  /** A held connection. */
  interface Parked {
    /** Decide again, soon, on the connection's own event loop; callable from any thread. */
    void wake();
  }

  private final int max;
  private final AtomicInteger size = new AtomicInteger();
  private final Set<Parked> parked = ConcurrentHashMap.newKeySet();

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

  /** Asks every held connection to decide again; returns at once when none is held. */
  void wake() {
    if (size.get() == 0) {
      return;
    }
    for (Parked p : parked) {
      p.wake();
    }
  }

  int size() {
    return size.get();
  }
}

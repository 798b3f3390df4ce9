package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the broker a device is sent to. Implementations are called concurrently from every device
 * event loop, so they must be thread-safe, lock-free and must not block. Time is passed in, never
 * read, so a policy runs the same in the dispatcher, in tests and in the simulator.
 */
public interface BrokerPolicy {

  /**
   * Picks one of {@code usable}, or returns null to refuse the device.
   *
   * @param usable brokers the device may be sent to, never containing unhealthy, draining or stale
   *     ones
   * @param facts the device's CONNECT
   * @param nowNanos the current time on the {@link System#nanoTime()} scale
   */
  @Nullable BrokerView choose(List<BrokerView> usable, ConnectFacts facts, long nowNanos);
}

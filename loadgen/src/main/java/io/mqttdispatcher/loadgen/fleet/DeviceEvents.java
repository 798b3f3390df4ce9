package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;

/**
 * What a device tells its fleet. Called on MQTT client threads: implementations are cheap and
 * thread-safe.
 */
interface DeviceEvents {
  /** Device {@code device} is connected to {@code broker}. */
  void landed(int device, HostPort broker);

  /**
   * Device {@code device} lost {@code broker}: the broker closed the connection or stopped
   * answering.
   */
  void lost(int device, HostPort broker);

  /** Device {@code device} disconnected from {@code broker} itself (the fleet is closing). */
  void left(int device, HostPort broker);

  /**
   * An attempt to {@code target} was refused with a redirect, the normal answer of a dispatcher.
   */
  void redirected(HostPort target);

  /**
   * An attempt to {@code target}, begun at {@code startedNanos} ({@link System#nanoTime()}),
   * failed; {@code cause} in a few words, e.g. {@code connection refused}.
   */
  void failed(HostPort target, long startedNanos, String cause);
}

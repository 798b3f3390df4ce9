package io.mqttdispatcher.devicekit;

/**
 * A QoS 1 or 2 publish made while the device was between brokers found {@link
 * RedirectingConnector.Builder#maxQueued} publishes already waiting for the next broker.
 */
public final class PublishQueueFullException extends RuntimeException {
  public PublishQueueFullException(String message) {
    super(message);
  }
}

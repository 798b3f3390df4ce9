package io.mqttdispatcher.devicekit.paho;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Recipe, beside {@link PahoRedirect}: keeps an Eclipse Paho Java v5 device on a broker. When the
 * broker drops it, the device goes back through the dispatcher (never straight to the old broker)
 * with the device kit's schedule: a first wait of 100-200 ms, doubling up to 5 s, each a random
 * time between half and all of its ceiling, at most 10 passes. A landing that did not last 20 s
 * does not start the schedule again and counts as a failed pass, so a broker that accepts devices
 * and drops them at once is not flooded by them. Copy both files; they need nothing but Paho.
 *
 * <pre>{@code
 * PahoReconnect device = PahoReconnect.start("tcp://dispatcher.example:1883", "sensor-42", options,
 *     client -> client.subscribe("cmd/42", 1, (topic, message) -> handle(message)),  // each landing
 *     error -> log.warn("offline for good: {}", error));                             // gave up
 * }</pre>
 *
 * <p>The recipe sets each client's {@code MqttCallback} to hear the loss: receive messages with the
 * subscription's own {@code IMqttMessageListener}, as above.
 */
public final class PahoReconnect implements AutoCloseable {
  static final long FIRST_BACKOFF_MS = 200;
  static final long MAX_BACKOFF_MS = 5000;
  static final long STABLE_AFTER_MS = 20_000;
  static final int ATTEMPTS = 10;

  /** Runs after each landing, with the client on the new broker. */
  @FunctionalInterface
  public interface Landed {
    void accept(MqttAsyncClient client) throws MqttException;
  }

  private final String dispatcherUri;
  private final String clientId;
  private final MqttConnectionOptions options;
  private final Landed onLanded;
  private final Consumer<Exception> onGaveUp;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "paho-reconnect");
            t.setDaemon(true);
            return t;
          });
  private volatile MqttAsyncClient client;
  private volatile long landedAtNanos;
  private volatile int failedPasses; // passes since the last landing that lasted STABLE_AFTER_MS
  private volatile boolean closed;

  private PahoReconnect(
      String dispatcherUri,
      String clientId,
      MqttConnectionOptions options,
      Landed onLanded,
      Consumer<Exception> onGaveUp) {
    this.dispatcherUri = dispatcherUri;
    this.clientId = clientId;
    this.options = options;
    this.onLanded = onLanded;
    this.onGaveUp = onGaveUp;
  }

  /** Connects through the dispatcher now (throws as {@link PahoRedirect#connect} does). */
  public static PahoReconnect start(
      String dispatcherUri,
      String clientId,
      MqttConnectionOptions options,
      Landed onLanded,
      Consumer<Exception> onGaveUp)
      throws MqttException {
    PahoReconnect device = new PahoReconnect(dispatcherUri, clientId, options, onLanded, onGaveUp);
    device.land(PahoRedirect.connect(dispatcherUri, clientId, options, 3));
    return device;
  }

  /** The client on the broker the device is on now. */
  public MqttAsyncClient client() {
    return client;
  }

  private void land(MqttAsyncClient landed) throws MqttException {
    client = landed;
    landedAtNanos = System.nanoTime();
    landed.setCallback(new LossListener(landed));
    onLanded.accept(landed);
  }

  private void lost(MqttAsyncClient from) {
    if (closed || from != client) {
      return;
    }
    long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - landedAtNanos);
    int attempt = heldMs >= STABLE_AFTER_MS ? 0 : failedPasses;
    if (attempt >= ATTEMPTS) {
      onGaveUp.accept(new IllegalStateException(attempt + " landings in a row did not last 20 s"));
      return;
    }
    timer.schedule(
        () -> {
          closeQuietly(from); // here, not in Paho's callback thread, which close() would wait for
          pass(attempt);
        },
        delayMillis(attempt),
        TimeUnit.MILLISECONDS);
  }

  private static void closeQuietly(MqttAsyncClient c) {
    try {
      c.close(true);
    } catch (MqttException e) {
      // its connection is gone already; nothing else to release
    }
  }

  private void pass(int attempt) {
    if (closed) {
      return;
    }
    try {
      MqttAsyncClient next = PahoRedirect.connect(dispatcherUri, clientId, options, 3);
      failedPasses = attempt + 1;
      land(next);
    } catch (MqttException e) {
      if (attempt + 1 >= ATTEMPTS) {
        onGaveUp.accept(e);
        return;
      }
      timer.schedule(() -> pass(attempt + 1), delayMillis(attempt + 1), TimeUnit.MILLISECONDS);
    }
  }

  static long delayMillis(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt, 30));
    return ceiling / 2 + (long) (ThreadLocalRandom.current().nextDouble() * (ceiling / 2));
  }

  @Override
  public void close() throws MqttException {
    closed = true;
    timer.shutdownNow();
    MqttAsyncClient c = client;
    if (c.isConnected()) {
      c.disconnect().waitForCompletion(5000);
    }
    c.close();
  }

  /** Hears the loss of one landing's client; the application's callbacks go on its own client. */
  private final class LossListener implements MqttCallback {
    private final MqttAsyncClient of;

    LossListener(MqttAsyncClient of) {
      this.of = of;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      lost(of);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}

package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.dispatcher.decision.RejectCause;
import io.mqttdispatcher.protocol.Transport;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad device input over real TCP costs only its own connection. */
@ParameterizedClass(name = "--transport {0}")
@EnumSource(
    value = TransportChoice.class,
    names = {"IO_URING", "EPOLL", "NIO"})
class DeviceListenerIT {
  /** The device rules hold on every transport the listener may use. */
  @Parameter TransportChoice transport;

  private Dispatcher dispatcher;
  private TestProbe probe;

  @BeforeEach
  void start() throws Exception {
    dispatcher =
        Dispatcher.start(
            TestDispatchers.options(
                List.of(),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                1024,
                "--transport=" + transport.optionName()));
    assertThat(dispatcher.metrics().deviceTransport()).isEqualTo(transport.optionName());
    probe = TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET);
    probe.report(0.1, "127.0.0.1:11883");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                !dispatcher
                    .registry()
                    .snapshot()
                    .usable(Transport.MQTT, System.nanoTime())
                    .isEmpty());
  }

  @AfterEach
  void stop() {
    probe.close();
    dispatcher.close();
  }

  private Socket open() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", dispatcher.devicePort()), 2000);
    s.setSoTimeout(5000);
    return s;
  }

  /** Reads until the dispatcher closes; returns what it sent. */
  private static byte[] readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return in.readAllBytes();
  }

  @Test
  void silent_connection_is_closed_after_the_connect_timeout() throws Exception {
    try (Socket s = open()) {
      long start = System.nanoTime();
      byte[] answer = readUntilClosed(s);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(answer).isEmpty();
      assertThat(waitedMs).isBetween(300L, 4000L);
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> dispatcher.metrics().rejectCount(RejectCause.TIMEOUT) == 1);
  }

  @Test
  void connects_over_the_per_source_rate_are_closed_and_counted() throws Exception {
    DispatcherOptions o =
        TestDispatchers.options(
            "--transport=" + transport.optionName(), "--max-connects-per-source=5");
    try (Dispatcher limited = Dispatcher.start(o);
        TestProbe p = TestProbe.authenticated(limited.probePort(), "a", TestDispatchers.SECRET)) {
      p.report(0.1, "127.0.0.1:11883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  !limited
                      .registry()
                      .snapshot()
                      .usable(Transport.MQTT, System.nanoTime())
                      .isEmpty());

      int redirected = 0;
      for (int i = 0; i < 20; i++) {
        try {
          TestDevice.ask(limited.devicePort());
          redirected++;
        } catch (AssertionError refused) {
          // closed without a CONNACK: over the limit
        }
      }

      // 5 per second from 127.0.0.1; the loop may straddle a second boundary
      assertThat(redirected).isBetween(5, 15);
      assertThat(limited.metrics().rejectCount(RejectCause.RATE_LIMIT)).isEqualTo(20 - redirected);
    }
  }

  @Test
  void connections_over_max_pending_are_closed_without_an_answer_and_counted() throws Exception {
    DispatcherOptions o =
        TestDispatchers.options("--transport=" + transport.optionName(), "--max-pending=2");
    try (Dispatcher limited = Dispatcher.start(o);
        TestProbe p = TestProbe.authenticated(limited.probePort(), "a", TestDispatchers.SECRET);
        Socket first = new Socket();
        Socket second = new Socket()) {
      p.report(0.1, "127.0.0.1:11883");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  !limited
                      .registry()
                      .snapshot()
                      .usable(Transport.MQTT, System.nanoTime())
                      .isEmpty());
      // Two connections that hold their places: each sends the first byte of a CONNECT (so
      // TCP_DEFER_ACCEPT hands it over at once) and never the rest.
      for (Socket s : List.of(first, second)) {
        s.connect(new InetSocketAddress("127.0.0.1", limited.devicePort()), 2000);
        s.getOutputStream().write(0x10);
        s.getOutputStream().flush();
      }

      // Once the listener has both, the next device is closed at accept, without a CONNACK.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try {
                  TestDevice.ask(limited.devicePort());
                  return false;
                } catch (AssertionError closedWithoutAnswer) {
                  return true;
                }
              });
      assertThat(limited.metrics().rejectCount(RejectCause.OVERLOAD)).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void garbage_and_oversized_connects_do_not_disturb_other_devices() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        idle.add(open()); // silent connections, pending
      }
      try (Socket garbage = open();
          Socket oversized = open()) {
        garbage
            .getOutputStream()
            .write(
                HexFormat.of()
                    .parseHex("474554202f20485454502f312e310d0a0d0a")); // "GET / HTTP/1.1"
        // v5 CONNECT announcing 1 MiB, over the 1024-byte limit
        oversized
            .getOutputStream()
            .write(HexFormat.of().parseHex("1080804000044d5154540502003c00"));

        assertThat(readUntilClosed(garbage)).isEmpty();
        byte[] refused = readUntilClosed(oversized);
        assertThat(refused).hasSizeGreaterThan(3);
        assertThat(refused[0]).isEqualTo((byte) 0x20);
        assertThat(refused[3]).isEqualTo((byte) 0x95);
      }

      for (int i = 0; i < 20; i++) {
        assertThat(TestDevice.serverReference(dispatcher.devicePort()))
            .isEqualTo("127.0.0.1:11883");
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    assertThat(dispatcher.metrics().rejectCount(RejectCause.MALFORMED)).isEqualTo(1);
    assertThat(dispatcher.metrics().rejectCount(RejectCause.TOO_LARGE)).isEqualTo(1);
    assertThat(dispatcher.metrics().redirectCount("a")).isEqualTo(20);
  }
}

package io.mqttdispatcher.probe.metrics;

import static io.mqttdispatcher.probe.metrics.ScriptedHttpServer.ok;
import static io.mqttdispatcher.probe.metrics.ScriptedHttpServer.raw;
import static io.mqttdispatcher.probe.metrics.ScriptedHttpServer.slow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The poller against a local HTTP server that serves each broker's page, then pages no broker
 * should send. Figures are either right or absent; each change of state is one log line.
 */
class MetricsPollerIT {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int CONNECTIONS = 42;
  private static final double RATE = 200; // messages per second the pages count

  private final ScriptedHttpServer server = new ScriptedHttpServer();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final long startNanos = System.nanoTime();
  private @Nullable MetricsPoller poller;

  @BeforeEach
  void captureLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger(MetricsPoller.class)).addAppender(log);
  }

  @AfterEach
  void stop() {
    if (poller != null) {
      poller.close();
    }
    server.close();
    ((Logger) LoggerFactory.getLogger(MetricsPoller.class)).detachAppender(log);
  }

  /** The messages counted so far at {@link #RATE}: the page's counter at this moment. */
  private long counted() {
    return (long) ((System.nanoTime() - startNanos) / 1e9 * RATE) + 1000;
  }

  private static String hivemq(long messages) {
    return String.format(
        Locale.ROOT,
        """
        # HELP com_hivemq_networking_connections_current Generated from Dropwizard metric import (metric=com.hivemq.networking.connections.current, type=com.codahale.metrics.Counter)
        # TYPE com_hivemq_networking_connections_current gauge
        com_hivemq_networking_connections_current %d.0
        # TYPE com_hivemq_messages_incoming_publish_count gauge
        com_hivemq_messages_incoming_publish_count %d.0
        # TYPE com_hivemq_messages_incoming_total_count gauge
        com_hivemq_messages_incoming_total_count %d.0
        # TYPE com_hivemq_messages_incoming_publish_rate_total counter
        com_hivemq_messages_incoming_publish_rate_total %d.0
        """,
        CONNECTIONS,
        messages,
        messages * 3 + 17,
        messages);
  }

  private static String emqx(long messages) {
    return String.format(
        Locale.ROOT,
        """
        # TYPE emqx_connections_count gauge
        emqx_connections_count %d
        # TYPE emqx_live_connections_count gauge
        emqx_live_connections_count %d
        # TYPE emqx_messages_received counter
        emqx_messages_received %d
        # TYPE emqx_messages_sent counter
        emqx_messages_sent %d
        # TYPE erlang_vm_logical_processors_available gauge
        erlang_vm_logical_processors_available NaN
        """,
        CONNECTIONS + 5, // with disconnected sessions
        CONNECTIONS,
        messages,
        messages * 2);
  }

  private static String vernemq(long messages) {
    long v4 = messages / 3;
    return String.format(
        Locale.ROOT,
        """
        # TYPE socket_open counter
        socket_open{node="VerneMQ@127.0.0.1"} %d
        # TYPE socket_close counter
        socket_close{node="VerneMQ@127.0.0.1"} 100
        # TYPE mqtt_publish_received counter
        mqtt_publish_received{node="VerneMQ@127.0.0.1",mqtt_version="4"} %d
        mqtt_publish_received{node="VerneMQ@127.0.0.1",mqtt_version="5"} %d
        # TYPE active_mqtt_connections gauge
        """,
        CONNECTIONS + 100,
        v4,
        messages - v4);
  }

  private MetricsPoller start(@Nullable MetricNames names, URI url) {
    poller = new MetricsPoller(url, names, INTERVAL, 64 * 1024);
    poller.start();
    return poller;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hivemq", "emqx", "vernemq"})
  void each_brokers_page_gives_its_connections_and_message_rate(String broker) {
    LongFunction<String> page =
        switch (broker) {
          case "hivemq" -> MetricsPollerIT::hivemq;
          case "emqx" -> MetricsPollerIT::emqx;
          default -> MetricsPollerIT::vernemq;
        };
    server.answer(ok(() -> page.apply(counted())));
    MetricsPoller p = start(null, server.url());

    await().atMost(WAIT).until(() -> p.msgRate(System.nanoTime()).isPresent());
    assertThat(p.names()).isNotNull();
    assertThat(p.names().format()).as("recognised from the names").isEqualTo(broker);
    assertThat(p.connections()).hasValue(CONNECTIONS);
    // The page counts RATE per second of real time; scrapes are timed by the probe's clock.
    for (int i = 0; i < 5; i++) {
      assertThat(p.msgRate(System.nanoTime()).orElseThrow()).isBetween(RATE * 0.7, RATE * 1.3);
      int scrapes = server.requests();
      await("the next scrape").atMost(WAIT).until(() -> server.requests() > scrapes);
    }
    assertThat(warnings()).isEmpty();
    assertThat(infos()).filteredOn(m -> m.contains("reading")).hasSize(1);
  }

  @Test
  void custom_names_read_another_brokers_page() {
    server.answer(
        ok(
            () ->
                "my_clients{listener=\"a\"} 40\nmy_clients{listener=\"b\"} 2\n"
                    + "my_in_total "
                    + counted()
                    + "\n"));
    MetricsPoller p = start(MetricNames.custom("my_clients", "my_in_total"), server.url());
    await().atMost(WAIT).until(() -> p.msgRate(System.nanoTime()).isPresent());
    assertThat(p.connections()).hasValue(CONNECTIONS);
  }

  @Test
  void an_endpoint_that_is_down_leaves_the_figures_out_with_one_log_line() throws Exception {
    URI closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/metrics");
    }
    MetricsPoller p = start(MetricNames.HIVEMQ, closed);
    await().atMost(WAIT).until(() -> !warnings().isEmpty());
    // Five more polls fail alike: still no figures, still the one line.
    await("no figures and one warning over five more polls")
        .during(INTERVAL.multipliedBy(5))
        .atMost(INTERVAL.multipliedBy(5).plusSeconds(2))
        .until(
            () ->
                p.connections().isEmpty()
                    && p.msgRate(System.nanoTime()).isEmpty()
                    && warnings().size() == 1);
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0)).contains(closed.toString(), "cannot connect");
  }

  @Test
  void a_page_without_any_known_names_says_so_once() {
    server.answer(ok("process_cpu_seconds_total 12.5\n"));
    MetricsPoller p = start(null, server.url());
    await().atMost(WAIT).until(() -> server.requests() >= 4);
    assertThat(p.connections()).isEmpty();
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0)).contains("no metrics of a broker the probe knows");
  }

  @Test
  void hostile_answers_each_leave_the_figures_out_and_the_poller_recovers() {
    server.answer(ok(() -> hivemq(counted())));
    MetricsPoller p = start(null, server.url());
    await().atMost(WAIT).until(() -> p.msgRate(System.nanoTime()).isPresent());

    byte[] page = hivemq(counted()).getBytes(StandardCharsets.UTF_8);
    byte[] half = java.util.Arrays.copyOf(page, page.length / 2);
    byte[] binary = new byte[4096];
    new java.util.Random(1).nextBytes(binary);
    byte[] huge =
        ("com_hivemq_networking_connections_current 1\n" + "#".repeat(100_000) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    List<Hostile> hostile =
        List.of(
            new Hostile(
                "cut off, Content-Length says more", raw(200, half, page.length), "IOException"),
            new Hostile("cut off mid-number, Content-Length agrees", raw(200, half, -1), "newline"),
            new Hostile("binary", raw(200, binary, -1), "not Prometheus text"),
            new Hostile(
                "HTML error page",
                ok("<html><body>502 Bad Gateway</body></html>\n"),
                "not Prometheus text"),
            new Hostile("server error", raw(500, new byte[0], -1), "HTTP status 500"),
            new Hostile("larger than the limit", raw(200, huge, -1), "larger than"),
            new Hostile("larger than the limit, no length", untilClose(huge), "larger than"),
            new Hostile("too slow", slow(3000, ok(hivemq(0))), "no complete answer"),
            new Hostile(
                "the counter as NaN",
                ok(
                    "com_hivemq_networking_connections_current NaN\ncom_hivemq_messages_incoming_publish_count NaN\n"),
                "must not become numbers"));
    for (Hostile h : hostile) {
      int warningsBefore = warnings().size();
      server.answer(h.answer());
      await(h.name()).atMost(WAIT).until(() -> warnings().size() > warningsBefore);
      int requestsThen = server.requests();
      await(h.name()).atMost(WAIT).until(() -> server.requests() >= requestsThen + 3);
      assertThat(p.connections()).as(h.name()).isEmpty();
      assertThat(p.msgRate(System.nanoTime())).as(h.name()).isEmpty();
      assertThat(warnings()).as(h.name() + ": one line per change").hasSize(warningsBefore + 1);
      assertThat(warnings().get(warningsBefore)).as(h.name()).contains(h.logged());

      server.answer(ok(() -> hivemq(counted())));
      await("back after " + h.name())
          .atMost(WAIT)
          .until(() -> p.msgRate(System.nanoTime()).isPresent());
      assertThat(p.connections()).hasValue(CONNECTIONS);
      assertThat(p.msgRate(System.nanoTime()).orElseThrow()).isBetween(RATE * 0.7, RATE * 1.3);
    }
  }

  private record Hostile(String name, ScriptedHttpServer.Answer answer, String logged) {}

  /** A 200 with no Content-Length: the body runs until the connection closes. */
  private static ScriptedHttpServer.Answer untilClose(byte[] body) {
    return out -> {
      out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    };
  }

  private List<String> warnings() {
    return messages(Level.WARN);
  }

  private List<String> infos() {
    return messages(Level.INFO);
  }

  private List<String> messages(Level level) {
    synchronized (log.list) {
      return log.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }
}

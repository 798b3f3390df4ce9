package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDispatchers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A probe with the wrong secret is told so, says so in its log, backs off, and registers nothing.
 */
@Timeout(60)
class WrongSecretIT {
  private static final String WRONG = "not-the-dispatchers-secret";
  private static final Pattern RETRY = Pattern.compile("retrying in (\\d+) ms");

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger linkLogger = (Logger) LoggerFactory.getLogger(DispatcherLink.class);
  private TestBroker mosquitto;
  private Dispatcher dispatcher;
  private Probe probe;

  @AfterEach
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
    linkLogger.detachAppender(log);
  }

  @Test
  void
      auth_error_is_logged_without_the_secret_retried_with_growing_delays_and_the_broker_is_never_usable()
          throws Exception {
    log.start();
    linkLogger.addAppender(log);
    mosquitto = TestBroker.start();
    dispatcher = Dispatcher.start(TestDispatchers.options());

    // when a probe with the wrong secret runs for 7 s
    probe =
        Probe.start(
            ProbeOptions.parse(
                "--broker-id=broker-a",
                "--endpoint=mqtt=" + mosquitto.endpoint(),
                "--dispatcher=127.0.0.1:" + dispatcher.probePort(),
                "--secret-file=" + TestDispatchers.file(WRONG.getBytes(StandardCharsets.UTF_8)),
                "--interval=1s",
                "--no-sys-topics"));
    long until = System.nanoTime() + Duration.ofSeconds(7).toNanos();
    while (System.nanoTime() < until) {
      // then the broker is never registered, let alone usable
      assertThat(dispatcher.registry().snapshot().brokers()).isEmpty();
      Thread.sleep(50);
    }

    // and the probe logged an authentication error that names the fix and not the secret
    List<ILoggingEvent> refusals = refusals();
    assertThat(refusals).isNotEmpty();
    ILoggingEvent first = refusals.get(0);
    assertThat(first.getLevel()).isEqualTo(Level.ERROR);
    assertThat(first.getFormattedMessage())
        .contains("refused broker 'broker-a': authentication failed")
        .contains("--secret-file")
        .doesNotContain(WRONG);

    // and it backed off: a handful of attempts in 7 s, each wait longer than the one before
    assertThat(refusals).hasSizeBetween(3, 7);
    List<Long> delays = new ArrayList<>();
    for (ILoggingEvent e : refusals) {
      Matcher m = RETRY.matcher(e.getFormattedMessage());
      assertThat(m.find()).as(e.getFormattedMessage()).isTrue();
      delays.add(Long.parseLong(m.group(1)));
    }
    assertThat(delays).isSortedAccordingTo(Long::compare);
    assertThat(delays.get(delays.size() - 1)).isGreaterThan(delays.get(0) * 4);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> dispatcher.registry().snapshot().brokers().isEmpty());
  }

  private List<ILoggingEvent> refusals() {
    synchronized (log.list) {
      return log.list.stream()
          .filter(e -> e.getFormattedMessage().contains("authentication failed"))
          .toList();
    }
  }
}

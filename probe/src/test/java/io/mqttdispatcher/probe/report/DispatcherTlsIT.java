package io.mqttdispatcher.probe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.probe.Probe;
import io.mqttdispatcher.probe.config.DispatcherTls;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.TestCertificates;
import io.mqttdispatcher.testing.TestDispatchers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report channel over TLS and mutual TLS, with certificates made for the test: a probe that
 * trusts the dispatcher's authority (and, for mutual TLS, holds a certificate from the authority
 * the dispatcher trusts) gets its broker registered; every other probe started beside it at the
 * same moment does not, in the time the good one took plus a margin.
 */
class DispatcherTlsIT {
  private static final Duration MARGIN = Duration.ofSeconds(3);

  /** Long: TLS handshakes on a loaded machine must not outlast a broker's report. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static TestCertificates dispatcherCa;
  private static TestCertificates probeCa;
  private static TestCertificates strangerCa;
  private static TestCertificates.Pem dispatcherCert;

  private final List<Probe> probes = new ArrayList<>();
  private @Nullable Dispatcher dispatcher;

  @BeforeAll
  static void certificates() throws Exception {
    dispatcherCa = TestCertificates.authority(dir, "dispatchers");
    probeCa = TestCertificates.authority(dir, "probes");
    strangerCa = TestCertificates.authority(dir, "stranger");
    dispatcherCert = dispatcherCa.server("localhost");
  }

  @AfterEach
  void stop() {
    probes.forEach(Probe::close);
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private Dispatcher start(@Nullable Path clientCa) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--stale-after=" + DurationConverter.format(STALE_AFTER),
                "--probe-tls-cert=" + dispatcherCert.cert(),
                "--probe-tls-key=" + dispatcherCert.key()));
    if (clientCa != null) {
      args.add("--probe-client-ca=" + clientCa);
    }
    DispatcherOptions options = TestDispatchers.options(args.toArray(String[]::new));
    dispatcher = Dispatcher.start(options);
    return dispatcher;
  }

  /**
   * A probe reporting to the dispatcher by the name {@code host}; its broker check has nothing to
   * find.
   */
  private void probe(String brokerId, String host, @Nullable DispatcherTls tls) throws Exception {
    int nobody = FreePort.find();
    probes.add(
        Probe.start(
            ProbeOptions.parse(
                Stream.concat(
                        Stream.of(
                            "--broker-id=" + brokerId,
                            "--endpoint=mqtt=127.0.0.1:" + nobody,
                            "--dispatcher=" + host + ":" + dispatcher.probePort(),
                            "--secret-file=" + TestDispatchers.SECRET_FILE,
                            "--interval=500ms",
                            "--no-sys-topics"),
                        tlsArgs(tls))
                    .toList())));
  }

  private static Stream<String> tlsArgs(@Nullable DispatcherTls tls) {
    if (tls == null) {
      return Stream.of();
    }
    Stream<String> trust = Stream.of("--tls-trust=" + tls.trust());
    return tls.cert() == null
        ? trust
        : Stream.concat(trust, Stream.of("--tls-cert=" + tls.cert(), "--tls-key=" + tls.key()));
  }

  private Set<String> registered() {
    return dispatcher.registry().snapshot().brokers().stream()
        .map(BrokerView::id)
        .collect(Collectors.toSet());
  }

  /**
   * Waits for {@code good} to be registered, then as long again plus a margin; returns who got in.
   */
  private Set<String> registeredOnceTheGoodOneIs(String good) throws InterruptedException {
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).until(() -> registered().contains(good));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long until = System.nanoTime() + took.plus(MARGIN).toNanos();
    while (System.nanoTime() < until) {
      if (registered().size() > 1) {
        break;
      }
      Thread.sleep(50);
    }
    return registered();
  }

  @Test
  void probe_that_trusts_the_dispatchers_authority_reports_over_tls_and_others_do_not_get_in()
      throws Exception {
    start(null);

    probe("trusting", "localhost", new DispatcherTls(dispatcherCa.caCert(), null, null));
    probe("plain", "localhost", null);
    probe("trusts-a-stranger", "localhost", new DispatcherTls(strangerCa.caCert(), null, null));
    // the certificate names localhost, not the address the probe was given
    probe("wrong-name", "127.0.0.1", new DispatcherTls(dispatcherCa.caCert(), null, null));

    assertThat(registeredOnceTheGoodOneIs("trusting")).containsExactly("trusting");
  }

  @Test
  void mutual_tls_lets_in_only_probes_with_a_certificate_from_the_client_authority()
      throws Exception {
    start(probeCa.caCert());
    TestCertificates.Pem good = probeCa.client("probe-a");
    TestCertificates.Pem stranger = strangerCa.client("probe-b");

    probe(
        "with-certificate",
        "localhost",
        new DispatcherTls(dispatcherCa.caCert(), good.cert(), good.key()));
    probe("without-certificate", "localhost", new DispatcherTls(dispatcherCa.caCert(), null, null));
    probe(
        "stranger-certificate",
        "localhost",
        new DispatcherTls(dispatcherCa.caCert(), stranger.cert(), stranger.key()));

    assertThat(registeredOnceTheGoodOneIs("with-certificate")).containsExactly("with-certificate");
  }

  @Test
  void missing_files_are_named_at_start() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> new DispatcherTls(missing, null, null))
        .hasMessageContaining("--tls-trust " + missing)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new DispatcherTls(dispatcherCa.caCert(), dispatcherCert.cert(), null))
        .hasMessageContaining("--tls-cert and --tls-key go together");
    assertThatThrownBy(
            () ->
                Dispatcher.start(
                    TestDispatchers.options(
                        "--probe-tls-cert=" + dispatcherCert.cert(), "--probe-tls-key=" + missing)))
        .hasMessageContaining("--probe-tls-key " + missing);
  }
}

package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.cli.SecretFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where and how often the probe reports.
 *
 * @param dispatchers where to report; each name may resolve to several dispatcher replicas
 * @param secret shared secret (never logged)
 * @param interval sampling and report interval
 * @param minChange skip a report when the load changed less than this since the last one sent
 * @param tls how to reach dispatchers over TLS, or null for plain TCP
 */
public record Reporting(
    List<HostPort> dispatchers,
    byte[] secret,
    Duration interval,
    double minChange,
    @Nullable DispatcherTls tls) {

  /**
   * A report goes out at least every this many intervals, even when {@code minChange} skips others:
   * two, so that a quiet broker never looks stale to a dispatcher with the default --stale-after (3
   * s at the default 1 s interval).
   */
  public static final int HEARTBEAT_INTERVALS = 2;

  /** Smallest accepted interval: below it the probe's own cost stops being negligible. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  public Reporting {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(interval, "interval");
    dispatchers = List.copyOf(dispatchers);
    if (dispatchers.isEmpty()) {
      throw new IllegalArgumentException("at least one --dispatcher HOST:PORT is required");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("the secret must not be empty");
    }
    secret = secret.clone();
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "--interval must be at least " + DurationConverter.format(MIN_INTERVAL));
    }
    if (!(minChange >= 0 && minChange < 1)) {
      throw new IllegalArgumentException(
          "--min-change must be a fraction in 0..1 (0 sends every report), was " + minChange);
    }
  }

  /** The secret; a copy, so callers cannot change it. */
  @Override
  public byte[] secret() {
    return secret.clone();
  }

  /** The longest time between two reports sent on one connection. */
  public Duration heartbeat() {
    return interval.multipliedBy(HEARTBEAT_INTERVALS);
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "Reporting[dispatchers="
        + dispatchers
        + ", interval="
        + DurationConverter.format(interval)
        + ", minChange="
        + minChange
        + ", tls="
        + tls
        + "]";
  }

  /** The command-line options of {@link Reporting}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--dispatcher",
        paramLabel = "HOST:PORT",
        required = true,
        converter = HostPort.Converter.class,
        description =
            "Dispatcher probe port to report to; repeatable. A name that resolves to several addresses "
                + "gets one connection per address, and is resolved again every 30 s.")
    List<HostPort> dispatchers = new ArrayList<>();

    @Option(
        names = "--secret-file",
        paramLabel = "FILE",
        required = true,
        description = "Shared secret (file content, trailing newline stripped). Required.")
    Path secretFile;

    @Option(
        names = "--interval",
        paramLabel = "DURATION",
        defaultValue = "1s",
        converter = DurationConverter.class,
        description = "Sampling and report interval (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
        names = "--min-change",
        paramLabel = "FRACTION",
        defaultValue = "0",
        description =
            "Skip a report when the load changed less than this since the last one sent; a report still "
                + "goes out at least every 2 intervals, inside the dispatcher's default --stale-after (default: ${DEFAULT-VALUE}, every report is sent).")
    double minChange;

    @Option(
        names = "--tls-trust",
        paramLabel = "FILE",
        description =
            "Report to dispatchers over TLS, trusting the PEM certificates in FILE (a CA, or the dispatchers' "
                + "own); the dispatcher's certificate must name the --dispatcher host (default: plain TCP).")
    @Nullable Path tlsTrust;

    @Option(
        names = "--tls-cert",
        paramLabel = "FILE",
        description =
            "PEM certificate chain this probe presents to dispatchers that ask for one (mutual TLS); needs --tls-trust.")
    @Nullable Path tlsCert;

    @Option(
        names = "--tls-key",
        paramLabel = "FILE",
        description = "PEM private key (PKCS#8) of --tls-cert.")
    @Nullable Path tlsKey;

    /** The validated settings; reads the secret file. */
    public Reporting value() {
      byte[] secret = SecretFile.read(secretFile);
      return new Reporting(dispatchers, secret, interval, minChange, tls());
    }

    private @Nullable DispatcherTls tls() {
      if (tlsTrust == null) {
        if (tlsCert != null || tlsKey != null) {
          throw new IllegalArgumentException(
              "--tls-cert and --tls-key need --tls-trust (mutual TLS is TLS first)");
        }
        return null;
      }
      return new DispatcherTls(tlsTrust, tlsCert, tlsKey);
    }
  }
}

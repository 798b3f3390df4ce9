package io.mqttdispatcher.dispatcher.config;

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
 * How probes reach this dispatcher, and what their reports may do.
 *
 * @param listen listener for probe reports
 * @param tlsCert PEM certificate chain of the probe listener, or null for plain TCP
 * @param tlsKey PEM (PKCS#8) private key of the probe listener, or null
 * @param clientCa PEM certificates a probe's client certificate must chain to (mutual TLS), or null
 *     to ask probes for no certificate
 * @param secret shared secret probes authenticate with (never logged)
 * @param allow endpoints devices may be sent to
 * @param staleAfter a broker without a report for this long is not used
 */
public record ProbeChannel(
    HostPort listen,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable Path clientCa,
    byte[] secret,
    AllowList allow,
    Duration staleAfter) {

  public ProbeChannel {
    Objects.requireNonNull(listen, "probeListen");
    Objects.requireNonNull(secret, "probeSecret");
    Objects.requireNonNull(allow, "allow");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "--probe-tls-cert and --probe-tls-key go together (PEM files)");
    }
    if (clientCa != null && tlsCert == null) {
      throw new IllegalArgumentException(
          "--probe-client-ca needs --probe-tls-cert and --probe-tls-key (mutual TLS is TLS first)");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("the probe secret must not be empty");
    }
    secret = secret.clone();
    DispatcherOptions.requirePositive(staleAfter, "--stale-after");
  }

  /** The secret; a copy, so callers cannot change it. */
  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "ProbeChannel[listen="
        + listen
        + ", tlsCert="
        + tlsCert
        + ", clientCa="
        + clientCa
        + ", allow="
        + allow
        + ", staleAfter="
        + DurationConverter.format(staleAfter)
        + "]";
  }

  /** The command-line options of {@link ProbeChannel}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--probe-listen",
        paramLabel = "HOST:PORT",
        defaultValue = "0.0.0.0:7883",
        converter = HostPort.Converter.class,
        description = "Probe reports (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
        names = "--probe-tls-cert",
        paramLabel = "FILE",
        description =
            "PEM certificate chain of the probe listener: probes must then connect with TLS (default: plain TCP).")
    @Nullable Path tlsCert;

    @Option(
        names = "--probe-tls-key",
        paramLabel = "FILE",
        description = "PEM private key (PKCS#8) of the probe listener.")
    @Nullable Path tlsKey;

    @Option(
        names = "--probe-client-ca",
        paramLabel = "FILE",
        description =
            "PEM certificates a probe's client certificate must chain to: mutual TLS, a probe without such a "
                + "certificate is refused in the handshake (default: no client certificate asked for).")
    @Nullable Path clientCa;

    @Option(
        names = "--probe-secret-file",
        paramLabel = "FILE",
        required = true,
        description =
            "Shared secret probes authenticate with (file content, trailing newline stripped). Required.")
    Path secretFile;

    @Option(
        names = "--allow",
        paramLabel = "HOST|CIDR",
        description =
            "Broker endpoint allowed as a redirect target; repeatable. Without any, every endpoint is allowed (a warning is logged).")
    List<String> allow = new ArrayList<>();

    @Option(
        names = "--stale-after",
        paramLabel = "DURATION",
        defaultValue = "3s",
        converter = DurationConverter.class,
        description =
            "A broker without a report for this long is not used (default: ${DEFAULT-VALUE}).")
    Duration staleAfter;

    /** The validated settings; reads the secret file. */
    public ProbeChannel value() {
      return new ProbeChannel(
          listen,
          tlsCert,
          tlsKey,
          clientCa,
          SecretFile.read(secretFile),
          AllowList.of(allow),
          staleAfter);
    }
  }
}

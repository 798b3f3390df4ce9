package io.mqttdispatcher.probe.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a probe reaches dispatchers over TLS: the certificates it trusts, and for mutual TLS its own
 * certificate and key. The dispatcher's certificate must name the host given in {@code
 * --dispatcher} (checked like a browser checks a web site's), also when that name resolves to
 * several replicas.
 *
 * @param trust PEM certificates (a CA, or the dispatchers' own certificates) the dispatcher's chain
 *     must end in
 * @param cert PEM certificate chain this probe presents, or null for none
 * @param key PEM (PKCS#8) private key of {@code cert}, or null
 */
public record DispatcherTls(Path trust, @Nullable Path cert, @Nullable Path key) {
  public DispatcherTls {
    Objects.requireNonNull(trust, "trust");
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together (PEM files)");
    }
    readable(trust, "--tls-trust");
    if (cert != null && key != null) {
      readable(cert, "--tls-cert");
      readable(key, "--tls-key");
    }
  }

  private static void readable(Path file, String option) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + " does not exist or cannot be read");
    }
  }
}

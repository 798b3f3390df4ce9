package io.mqttdispatcher.dispatcher.listener;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** TLS contexts for device listeners, from PEM files. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * The server context for a certificate chain and a PKCS#8 private key in PEM files; throws with
   * the file named (never its content) when they cannot be used.
   */
  public static SslContext server(@Nullable Path certChain, @Nullable Path key) {
    Objects.requireNonNull(certChain, "--tls-cert");
    Objects.requireNonNull(key, "--tls-key");
    for (Path p : new Path[] {certChain, key}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " does not exist or cannot be read");
      }
    }
    try {
      return SslContextBuilder.forServer(certChain.toFile(), key.toFile()).build();
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "cannot use --tls-cert "
              + certChain
              + " with --tls-key "
              + key
              + " (PEM certificate chain and PKCS#8 key expected): "
              + e.getMessage(),
          e);
    }
  }
}

package io.mqttdispatcher.dispatcher.probe;

import io.mqttdispatcher.dispatcher.config.ProbeChannel;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The probe listener's socket settings: plain TCP, TLS with the dispatcher's certificate ({@code
 * --probe-tls-cert}, {@code --probe-tls-key}), or mutual TLS where every probe must present a
 * certificate that chains to {@code --probe-client-ca}. TLS protects the reports and the challenge
 * from being read or changed on the way; the shared-secret hello is still required.
 */
public final class ProbeListenerTls {
  private ProbeListenerTls() {}

  /**
   * The listener settings {@code probes} ask for; throws naming the file when one cannot be read.
   */
  public static NetServerOptions of(ProbeChannel probes) {
    NetServerOptions server = new NetServerOptions().setTcpNoDelay(true);
    if (probes.tlsCert() == null || probes.tlsKey() == null) {
      return server;
    }
    server
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(readable(probes.tlsCert(), "--probe-tls-cert"))
                .setKeyPath(readable(probes.tlsKey(), "--probe-tls-key")));
    Path clientCa = probes.clientCa();
    if (clientCa != null) {
      server
          .setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(
              new PemTrustOptions().addCertPath(readable(clientCa, "--probe-client-ca")));
    }
    return server;
  }

  private static String readable(@Nullable Path file, String option) {
    if (file == null || !Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + " does not exist or cannot be read");
    }
    return file.toString();
  }
}

package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.HostPort;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where devices connect, and what the device listeners run on.
 *
 * @param listen MQTT over TCP listener for devices
 * @param wsListen MQTT over WebSocket listener for devices, or null for none
 * @param wsPath HTTP path of MQTT over WebSocket
 * @param tlsListen MQTT over TLS listener for devices, or null for none
 * @param tlsCert PEM certificate chain of the TLS listener, or null
 * @param tlsKey PEM (PKCS#8) private key of the TLS listener, or null
 * @param wssListen MQTT over secure WebSocket listener for devices (TLS with {@code tlsCert} and
 *     {@code tlsKey}, WebSocket on {@code wsPath}), or null for none
 * @param ioThreads event loops for device connections; 0 on the command line means one per core
 * @param transport what the device listeners run on: io_uring, epoll or NIO, or the best this host
 *     allows ({@link TransportChoice#AUTO})
 */
public record Listeners(
    HostPort listen,
    @Nullable HostPort wsListen,
    String wsPath,
    @Nullable HostPort tlsListen,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable HostPort wssListen,
    int ioThreads,
    TransportChoice transport) {

  public Listeners {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(wsPath, "wsPath");
    Objects.requireNonNull(transport, "transport");
    if (tlsListen != null && (tlsCert == null || tlsKey == null)) {
      throw new IllegalArgumentException("--tls-listen needs --tls-cert and --tls-key (PEM files)");
    }
    if (wssListen != null && (tlsCert == null || tlsKey == null)) {
      throw new IllegalArgumentException("--wss-listen needs --tls-cert and --tls-key (PEM files)");
    }
    if (!wsPath.startsWith("/")) {
      throw new IllegalArgumentException("--ws-path must start with '/', was '" + wsPath + "'");
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException(
          "--io-threads must be 0 (one per core) or more, was " + ioThreads);
    }
    if (ioThreads == 0) {
      ioThreads = Runtime.getRuntime().availableProcessors();
    }
  }

  /** The command-line options of {@link Listeners}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--listen",
        paramLabel = "HOST:PORT",
        defaultValue = "0.0.0.0:1883",
        converter = HostPort.Converter.class,
        description = "MQTT over TCP for devices (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
        names = "--ws-listen",
        paramLabel = "HOST:PORT",
        converter = HostPort.Converter.class,
        description =
            "MQTT over WebSocket for devices, redirected to the brokers' ws endpoints (default: none).")
    @Nullable HostPort wsListen;

    @Option(
        names = "--ws-path",
        paramLabel = "PATH",
        defaultValue = "/mqtt",
        description = "HTTP path of MQTT over WebSocket (default: ${DEFAULT-VALUE}).")
    String wsPath;

    @Option(
        names = "--tls-listen",
        paramLabel = "HOST:PORT",
        converter = HostPort.Converter.class,
        description =
            "MQTT over TLS for devices, redirected to the brokers' mqtts endpoints; needs --tls-cert and --tls-key (default: none).")
    @Nullable HostPort tlsListen;

    @Option(
        names = "--tls-cert",
        paramLabel = "FILE",
        description = "PEM certificate chain of the TLS listener.")
    @Nullable Path tlsCert;

    @Option(
        names = "--tls-key",
        paramLabel = "FILE",
        description = "PEM private key (PKCS#8) of the TLS listener.")
    @Nullable Path tlsKey;

    @Option(
        names = "--wss-listen",
        paramLabel = "HOST:PORT",
        converter = HostPort.Converter.class,
        description =
            "MQTT over secure WebSocket (TLS with --tls-cert and --tls-key, path --ws-path) for devices, "
                + "redirected to the brokers' wss endpoints (default: none).")
    @Nullable HostPort wssListen;

    @Option(
        names = "--io-threads",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Event loops for devices, each with its own SO_REUSEPORT socket; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(
        names = "--transport",
        paramLabel = "auto|io_uring|epoll|nio",
        defaultValue = "auto",
        description =
            "What the device listeners run on: auto takes io_uring where the kernel (and a container's"
                + " seccomp profile) allows it, else epoll, else NIO; naming io_uring or epoll refuses to"
                + " start where it is not available (default: ${DEFAULT-VALUE}).")
    String transport;

    /** The validated listeners. */
    public Listeners value() {
      return new Listeners(
          listen,
          wsListen,
          wsPath,
          tlsListen,
          tlsCert,
          tlsKey,
          wssListen,
          ioThreads,
          TransportChoice.parse(transport));
    }
  }
}

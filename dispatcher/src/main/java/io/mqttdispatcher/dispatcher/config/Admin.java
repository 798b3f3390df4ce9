package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.cli.SecretFile;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The admin HTTP API.
 *
 * @param listen where it listens
 * @param token bearer token for admin changes (drain); null disables them (never logged)
 * @param deviceTable client ids whose last redirect is kept for {@code GET /devices/{id}}; 0 keeps
 *     none
 */
public record Admin(HostPort listen, byte @Nullable [] token, int deviceTable) {

  public Admin {
    Objects.requireNonNull(listen, "adminListen");
    token = token == null ? null : token.clone();
    if (deviceTable < 0) {
      throw new IllegalArgumentException(
          "--device-table must be 0 (keep none) or more, was " + deviceTable);
    }
  }

  /** The token; a copy. */
  @Override
  public byte @Nullable [] token() {
    return token == null ? null : token.clone();
  }

  @Override
  public String toString() {
    // Never print the token.
    return "Admin[listen="
        + listen
        + ", token="
        + (token == null ? "none" : "set")
        + ", deviceTable="
        + deviceTable
        + "]";
  }

  /** The command-line options of {@link Admin}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--admin-listen",
        paramLabel = "HOST:PORT",
        defaultValue = "127.0.0.1:8080",
        converter = HostPort.Converter.class,
        description =
            "Admin HTTP: /health, /ready, /brokers, /metrics (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
        names = "--admin-token-file",
        paramLabel = "FILE",
        description =
            "Bearer token for POST /brokers/{id}/drain and /undrain. Without it those are disabled.")
    @Nullable Path tokenFile;

    @Option(
        names = "--device-table",
        paramLabel = "N",
        defaultValue = "100000",
        description =
            "Slots keeping the last redirect of recent client ids for GET /devices/{clientId}, about 100 bytes each;"
                + " a newer id can take an older one's slot. 0 keeps none (default: ${DEFAULT-VALUE}).")
    int deviceTable;

    /** The validated settings; reads the token file. */
    public Admin value() {
      return new Admin(listen, tokenFile == null ? null : SecretFile.read(tokenFile), deviceTable);
    }
  }
}

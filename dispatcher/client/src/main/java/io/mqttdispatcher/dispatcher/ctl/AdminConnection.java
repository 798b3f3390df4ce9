package io.mqttdispatcher.dispatcher.ctl;

import io.mqttdispatcher.cli.SecretFile;
import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options every {@code dispatcher ctl} command shares: where the admin API is and its token.
 */
public final class AdminConnection {
  /** The admin API of a dispatcher started with the default {@code --admin-listen}. */
  public static final String DEFAULT_ADMIN = "http://127.0.0.1:8080";

  @Option(
      names = "--admin",
      paramLabel = "URL",
      defaultValue = DEFAULT_ADMIN,
      description = "The dispatcher's admin API (default: ${DEFAULT-VALUE}).")
  URI admin;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "The bearer token (the dispatcher's --admin-token-file); needed for every change.")
  @Nullable Path tokenFile;

  /** A client for these options. */
  public AdminClient client() {
    return new AdminClient(
        admin, tokenFile == null ? null : SecretFile.read(tokenFile), AdminClient.DEFAULT_TIMEOUT);
  }
}

package io.mqttdispatcher.testing;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Options for an in-process dispatcher in tests: loopback, free ports, the default timings. Made
 * from command-line arguments, as the dispatcher's own command line makes them; more arguments
 * override or add to these.
 */
public final class TestDispatchers {
  /** The probe secret tests use. */
  public static final byte[] SECRET = "test-secret".getBytes(StandardCharsets.UTF_8);

  /**
   * A file holding {@link #SECRET}, for {@code --probe-secret-file} and the probe's {@code
   * --secret-file}.
   */
  public static final String SECRET_FILE = file(SECRET);

  private TestDispatchers() {}

  /**
   * Every listener on 127.0.0.1 port 0, two I/O threads, defaults otherwise; then {@code more}
   * (dispatcher options, e.g. {@code "--max-pending", "2"}).
   */
  public static DispatcherOptions options(String... more) {
    return options(List.of(), Duration.ofSeconds(3), Duration.ofSeconds(5), 65536, more);
  }

  public static DispatcherOptions options(
      List<String> allow,
      Duration staleAfter,
      Duration connectTimeout,
      int maxConnectSize,
      String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--listen=127.0.0.1:0",
                "--probe-listen=127.0.0.1:0",
                "--admin-listen=127.0.0.1:0",
                "--probe-secret-file=" + SECRET_FILE,
                "--stale-after=" + DurationConverter.format(staleAfter),
                "--connect-timeout=" + DurationConverter.format(connectTimeout),
                "--max-connect-size=" + maxConnectSize,
                "--io-threads=2"));
    allow.forEach(a -> args.add("--allow=" + a));
    args.addAll(Arrays.asList(more));
    return DispatcherOptions.parse(args);
  }

  /**
   * A file holding {@code content}, deleted when the JVM exits, for options that read a file
   * ({@code --admin-token-file}, {@code --probe-secret-file}).
   */
  public static String file(byte[] content) {
    try {
      Path f = Files.createTempFile("dispatcher-test", ".secret");
      f.toFile().deleteOnExit();
      Files.write(f, content);
      return f.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

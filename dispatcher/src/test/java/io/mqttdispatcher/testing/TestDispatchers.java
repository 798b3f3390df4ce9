package io.mqttdispatcher.testing;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Options for an in-process dispatcher in tests: loopback, free ports, the default timings. */
public final class TestDispatchers {
  /** The probe secret tests use. */
  public static final byte[] SECRET = "test-secret".getBytes(StandardCharsets.UTF_8);

  private TestDispatchers() {}

  /** Every listener on 127.0.0.1 port 0, two I/O threads, defaults otherwise. */
  public static DispatcherOptions options() {
    return options(List.of(), Duration.ofSeconds(3), Duration.ofSeconds(5), 65536);
  }

  public static DispatcherOptions options(
      List<String> allow, Duration staleAfter, Duration connectTimeout, int maxConnectSize) {
    HostPort any = new HostPort("127.0.0.1", 0);
    return DispatcherOptions.builder(SECRET)
        .listen(any)
        .probeListen(any)
        .adminListen(any)
        .allow(AllowList.of(allow))
        .staleAfter(staleAfter)
        .connectTimeout(connectTimeout)
        .maxConnectSize(maxConnectSize)
        .ioThreads(2)
        .build();
  }
}

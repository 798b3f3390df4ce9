package io.mqttdispatcher.testing;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.config.AllowList;
import io.mqttdispatcher.dispatcher.config.DispatcherOptions;
import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
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

  public static DispatcherOptions options(List<String> allow, Duration staleAfter, Duration connectTimeout, int maxConnectSize) {
    HostPort any = new HostPort("127.0.0.1", 0);
    return new DispatcherOptions(any, null, "/mqtt", null, null, null, any, any, SECRET, AllowList.of(allow), RedirectCode.USE_ANOTHER_SERVER, PolicyName.LEAST_LOAD,
        Duration.ofSeconds(5), staleAfter, connectTimeout, maxConnectSize, 20000, 0, 2, null);
  }
}

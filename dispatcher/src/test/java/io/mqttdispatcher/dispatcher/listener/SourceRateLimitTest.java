package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceRateLimitTest {
  private static final long S = 1_000_000_000L;

  @Test
  void limits_each_address_within_a_second_and_starts_over_the_next() throws Exception {
    SourceRateLimit limit = new SourceRateLimit(3);
    InetAddress a = InetAddress.getByName("10.0.0.1");
    InetAddress b = InetAddress.getByName("10.0.0.2");

    for (int i = 0; i < 3; i++) {
      assertThat(limit.allow(a, 5 * S + i)).isTrue();
    }
    assertThat(limit.allow(a, 5 * S + 10)).isFalse();
    assertThat(limit.allow(b, 5 * S + 10)).isTrue();
    assertThat(limit.allow(a, 6 * S)).isTrue();
  }

  @Test
  void zero_means_no_limit() throws Exception {
    SourceRateLimit limit = new SourceRateLimit(0);
    InetAddress a = InetAddress.getByName("10.0.0.1");
    for (int i = 0; i < 10_000; i++) {
      assertThat(limit.allow(a, 0)).isTrue();
    }
  }
}

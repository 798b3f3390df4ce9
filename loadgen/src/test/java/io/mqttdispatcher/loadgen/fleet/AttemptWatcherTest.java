package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class AttemptWatcherTest {
  @Test
  void a_refused_tcp_connect_is_counted_as_connection_refused() {
    assertThat(
            AttemptWatcher.describe(
                new ConnectionFailedException(new ConnectException("Connection refused"))))
        .isEqualTo("connection refused");
  }

  @Test
  void a_connect_timeout_is_counted_as_timed_out() {
    assertThat(
            AttemptWatcher.describe(
                new ConnectionFailedException(new io.netty.channel.ConnectTimeoutException("x"))))
        .isEqualTo("timed out");
  }

  @Test
  void other_failures_are_named_by_their_root_cause() {
    assertThat(
            AttemptWatcher.describe(new ConnectionFailedException(new IllegalStateException("x"))))
        .isEqualTo("connection failed: IllegalStateException");
  }

  @Test
  void a_reset_by_a_broker_that_died_with_the_connection_queued_is_counted_as_connection_reset() {
    // Netty's native transport reports ECONNRESET as its own IOException subclass, unwrapped.
    assertThat(
            AttemptWatcher.describe(
                new IOException("readAddress(..) failed: Connection reset by peer")))
        .isEqualTo("connection reset");
    assertThat(AttemptWatcher.describe(new IOException("writeAddress(..) failed: Broken pipe")))
        .isEqualTo("connection reset");
  }
}

package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.config.TransportChoice;
import io.mqttdispatcher.dispatcher.listener.TransportSelection.Availability;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --transport}: what auto falls back to, and what an explicit choice refuses. */
class TransportSelectionTest {
  /** A host where the named transports cannot run, with the reasons Netty gives. */
  private static Availability without(Set<DeviceTransport> missing) {
    return t ->
        !missing.contains(t)
            ? null
            : new IllegalStateException(
                "failed to create io_uring ring fd",
                new RuntimeException("Operation not permitted"));
  }

  @Test
  void auto_takes_io_uring_where_the_kernel_allows_it() {
    TransportSelection s = TransportSelection.choose(TransportChoice.AUTO, without(Set.of()));

    assertThat(s.transport()).isEqualTo(DeviceTransport.IO_URING);
    assertThat(s.fallback()).isNull();
  }

  @Test
  void auto_falls_back_to_epoll_without_io_uring_and_says_why() {
    TransportSelection s =
        TransportSelection.choose(TransportChoice.AUTO, without(Set.of(DeviceTransport.IO_URING)));

    assertThat(s.transport()).isEqualTo(DeviceTransport.EPOLL);
    assertThat(s.fallback())
        .isEqualTo(
            "io_uring is not available (failed to create io_uring ring fd: Operation not permitted)");
  }

  @Test
  void auto_falls_back_to_nio_without_either_native_transport() {
    TransportSelection s =
        TransportSelection.choose(
            TransportChoice.AUTO, without(Set.of(DeviceTransport.IO_URING, DeviceTransport.EPOLL)));

    assertThat(s.transport()).isEqualTo(DeviceTransport.NIO);
    assertThat(s.fallback()).contains("io_uring is not available").contains("nor is epoll");
  }

  @Test
  void explicit_io_uring_where_it_is_not_available_refuses_to_start() {
    assertThatThrownBy(
            () ->
                TransportSelection.choose(
                    TransportChoice.IO_URING, without(Set.of(DeviceTransport.IO_URING))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--transport io_uring: io_uring is not available on this host")
        .hasMessageContaining("Operation not permitted")
        .hasMessageContaining("--transport auto");
  }

  @Test
  void explicit_epoll_runs_on_epoll_even_where_io_uring_is_available() {
    TransportSelection s = TransportSelection.choose(TransportChoice.EPOLL, without(Set.of()));

    assertThat(s.transport()).isEqualTo(DeviceTransport.EPOLL);
    assertThat(s.fallback()).isNull();
  }

  @Test
  void explicit_epoll_where_it_is_not_available_refuses_to_start() {
    assertThatThrownBy(
            () ->
                TransportSelection.choose(
                    TransportChoice.EPOLL, without(Set.of(DeviceTransport.EPOLL))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--transport epoll: epoll is not available on this host");
  }

  @Test
  void nio_needs_nothing_from_the_host() {
    TransportSelection s =
        TransportSelection.choose(
            TransportChoice.NIO, without(Set.of(DeviceTransport.IO_URING, DeviceTransport.EPOLL)));

    assertThat(s.transport()).isEqualTo(DeviceTransport.NIO);
  }

  @Test
  void unknown_transport_names_the_accepted_ones() {
    assertThatThrownBy(() -> TransportChoice.parse("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--transport must be one of auto, io_uring, epoll, nio, got 'kqueue'");
    assertThat(TransportChoice.parse(" IO_URING ")).isEqualTo(TransportChoice.IO_URING);
  }
}

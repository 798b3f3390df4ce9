package io.mqttdispatcher.dispatcher.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which kernel interface the device listeners use ({@code --transport}). {@link #AUTO} takes the
 * fastest one this host allows: io_uring, else epoll, else Java NIO.
 */
public enum TransportChoice {
  /**
   * io_uring where the kernel (and the container's seccomp profile) allows it, else epoll, else
   * NIO.
   */
  AUTO("auto"),
  /** Netty's io_uring transport; refuses to start where io_uring is not available. */
  IO_URING("io_uring"),
  /** Netty's epoll transport; refuses to start where epoll is not available. */
  EPOLL("epoll"),
  /** Java NIO: every platform, the most CPU per redirect. */
  NIO("nio");

  private final String optionName;

  TransportChoice(String optionName) {
    this.optionName = optionName;
  }

  public String optionName() {
    return optionName;
  }

  /**
   * The value named {@code text}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static TransportChoice parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (TransportChoice c : values()) {
      if (c.optionName.equals(wanted)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "--transport must be one of "
            + Arrays.stream(values())
                .map(TransportChoice::optionName)
                .collect(Collectors.joining(", "))
            + ", got '"
            + text
            + "'");
  }
}

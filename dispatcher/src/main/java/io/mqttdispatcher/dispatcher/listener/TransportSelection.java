package io.mqttdispatcher.dispatcher.listener;

import io.mqttdispatcher.dispatcher.config.TransportChoice;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport every device listener of a dispatcher runs on, chosen once at start from {@code
 * --transport}: {@code auto} takes io_uring, else epoll, else NIO, and says why it fell back; an
 * explicit native transport that this host cannot run refuses to start instead of running slower
 * than the operator asked for.
 *
 * @param transport what the listeners run on
 * @param requested what {@code --transport} asked for
 * @param fallback why {@code auto} did not get io_uring (and epoll), or null when it did
 */
public record TransportSelection(
    DeviceTransport transport, TransportChoice requested, @Nullable String fallback) {
  private static final Logger LOG = LoggerFactory.getLogger(TransportSelection.class);

  public TransportSelection {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(requested, "requested");
  }

  /** Why a transport cannot run on this host, or null when it can. */
  @FunctionalInterface
  public interface Availability {
    @Nullable Throwable unavailabilityCause(DeviceTransport transport);

    /** What Netty finds on this host: the native library loads and the kernel lets it work. */
    static Availability ofThisHost() {
      return DeviceTransport::unavailabilityCause;
    }
  }

  /** Chooses on this host and logs the choice (and the reason for a fallback) once. */
  public static TransportSelection choose(TransportChoice requested) {
    TransportSelection s = choose(requested, Availability.ofThisHost());
    if (s.fallback() == null) {
      LOG.info(
          "device listeners run on {} (--transport {})",
          s.transport().optionName(),
          requested.optionName());
    } else {
      LOG.warn(
          "device listeners run on {} (--transport {}): {}",
          s.transport().optionName(),
          requested.optionName(),
          s.fallback());
    }
    return s;
  }

  /**
   * Chooses with {@code availability}.
   *
   * @throws IllegalArgumentException when an explicit native transport cannot run here
   */
  public static TransportSelection choose(TransportChoice requested, Availability availability) {
    return switch (requested) {
      case IO_URING -> required(DeviceTransport.IO_URING, requested, availability);
      case EPOLL -> required(DeviceTransport.EPOLL, requested, availability);
      case NIO -> new TransportSelection(DeviceTransport.NIO, requested, null);
      case AUTO -> {
        Throwable noUring = availability.unavailabilityCause(DeviceTransport.IO_URING);
        if (noUring == null) {
          yield new TransportSelection(DeviceTransport.IO_URING, requested, null);
        }
        String why = "io_uring is not available (" + describe(noUring) + ")";
        Throwable noEpoll = availability.unavailabilityCause(DeviceTransport.EPOLL);
        if (noEpoll == null) {
          yield new TransportSelection(DeviceTransport.EPOLL, requested, why);
        }
        yield new TransportSelection(
            DeviceTransport.NIO, requested, why + ", nor is epoll (" + describe(noEpoll) + ")");
      }
    };
  }

  private static TransportSelection required(
      DeviceTransport transport, TransportChoice requested, Availability availability) {
    Throwable cause = availability.unavailabilityCause(transport);
    if (cause != null) {
      throw new IllegalArgumentException(
          "--transport "
              + transport.optionName()
              + ": "
              + transport.optionName()
              + " is not available on this host ("
              + describe(cause)
              + "); use --transport auto to fall back to the next one"
              + (transport == DeviceTransport.IO_URING
                  ? ", or allow io_uring (in a container: the seccomp profile in deploy/seccomp)"
                  : ""),
          cause);
    }
    return new TransportSelection(transport, requested, null);
  }

  /** The most specific message in {@code t}'s causes, for one log line. */
  static String describe(Throwable t) {
    Throwable deepest = t;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String top = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (deepest == t || deepest.getMessage() == null) {
      return top;
    }
    return top + ": " + deepest.getMessage();
  }
}

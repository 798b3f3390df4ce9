package io.mqttdispatcher.dispatcher.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * The kernel interfaces a device listener runs on, and what each needs from Netty. The native two
 * get one event loop per thread, each accepting on its own {@code SO_REUSEPORT} socket, and {@code
 * TCP_DEFER_ACCEPT}; NIO has neither, so one NIO group accepts on one socket.
 */
public enum DeviceTransport {
  /** Fewest system calls per redirect: accept, read, write and close are queued, not called. */
  IO_URING("io_uring") {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return IoUringIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return IoUringServerSocketChannel.class;
    }

    @Override
    void nativeOptions(ServerBootstrap b, int deferAcceptSeconds) {
      b.option(UnixChannelOption.SO_REUSEPORT, true)
          .option(IoUringChannelOption.TCP_DEFER_ACCEPT, deferAcceptSeconds);
    }

    @Override
    @Nullable Throwable unavailabilityCause() {
      // IoUring's own check loads the native library and sets up a ring, so a kernel too old or
      // a seccomp profile that forbids io_uring_setup both show here.
      return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
    }
  },

  /** Readiness events: every accept, read, write and close is a system call of its own. */
  EPOLL("epoll") {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return EpollIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return EpollServerSocketChannel.class;
    }

    @Override
    void nativeOptions(ServerBootstrap b, int deferAcceptSeconds) {
      b.option(UnixChannelOption.SO_REUSEPORT, true)
          .option(EpollChannelOption.TCP_DEFER_ACCEPT, deferAcceptSeconds);
    }

    @Override
    @Nullable Throwable unavailabilityCause() {
      return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
    }
  },

  /** Java NIO: runs everywhere. */
  NIO("nio") {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return NioIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> serverChannel() {
      return NioServerSocketChannel.class;
    }

    @Override
    boolean reusePort() {
      return false;
    }

    @Override
    void nativeOptions(ServerBootstrap b, int deferAcceptSeconds) {}

    @Override
    @Nullable Throwable unavailabilityCause() {
      return null;
    }
  };

  private final String optionName;

  DeviceTransport(String optionName) {
    this.optionName = optionName;
  }

  /** The name {@code --transport}, the log and {@code /metrics} use. */
  public String optionName() {
    return optionName;
  }

  abstract IoHandlerFactory ioHandlerFactory();

  abstract Class<? extends ServerChannel> serverChannel();

  /** Whether each event loop gets a socket of its own on the same port. */
  boolean reusePort() {
    return true;
  }

  /** Sets {@code SO_REUSEPORT} and {@code TCP_DEFER_ACCEPT} where the transport has them. */
  abstract void nativeOptions(ServerBootstrap b, int deferAcceptSeconds);

  /** Why this transport cannot run here, or null when it can. */
  abstract @Nullable Throwable unavailabilityCause();
}

package io.mqttdispatcher.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A broker that a test runs as a child process on a free loopback port, in a directory of its own
 * (configuration, data, log): started, killed, restarted and stopped by its own handle. What {@link
 * Mosquitto} and {@link HiveMqBroker} share; each says how to start its process and how to tell it
 * is ready.
 */
abstract class BrokerProcess implements TestBroker {
  private final int port;
  private final Path dir;
  private final Duration stopGrace;
  private Process process;

  /**
   * @param stopGrace how long a stopped broker may take to exit before it is killed
   */
  BrokerProcess(int port, Path dir, Duration stopGrace) {
    this.port = port;
    this.dir = dir;
    this.stopGrace = stopGrace;
  }

  /** Starts the broker's process, with its output going to a log in {@link #dir()}. */
  abstract Process startProcess() throws IOException;

  /**
   * Returns once the broker serves clients; throws, naming the log, when it does not in time or
   * exits.
   */
  abstract void awaitReady(Process started) throws IOException;

  /**
   * Starts the process and waits until it is ready; one that never gets ready is not left behind.
   */
  final void launch() {
    try {
      process = startProcess();
      try {
        awaitReady(process);
      } catch (IOException | RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  final Path dir() {
    return dir;
  }

  @Override
  public final int port() {
    return port;
  }

  @Override
  public final long pid() {
    return process.pid();
  }

  @Override
  public final boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Kills the broker at once (SIGKILL), as a crash would. */
  @Override
  public final void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  /** Starts the broker again on the same port, with the same directory. */
  @Override
  public final void restart() {
    kill();
    launch();
  }

  /** Stops the broker (SIGTERM), killing it if it has not exited within its grace. */
  @Override
  public final void close() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    awaitExit();
  }

  private void awaitExit() {
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

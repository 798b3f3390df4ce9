package io.mqttdispatcher.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Waits, bounded, until a broker started by a test accepts TCP connections on loopback. */
final class Listening {
  private Listening() {}

  /**
   * Returns once 127.0.0.1:{@code port} accepts a connection; throws when {@code timeout} passes or
   * {@code process} (when given) exits first, saying where its log is.
   */
  static void await(int port, Duration timeout, @Nullable Process process, String log) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "the broker exited with " + process.exitValue() + "; log in " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(interrupted);
        }
      }
    }
    throw new IllegalStateException(
        "the broker did not listen on port " + port + " within " + timeout + "; log in " + log);
  }
}

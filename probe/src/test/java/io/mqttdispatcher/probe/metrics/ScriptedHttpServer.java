package io.mqttdispatcher.probe.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP/1.1 server on a free loopback port whose every answer is written by hand from the current
 * {@link Answer}: a good page, a status, or bytes no real server should send (a body cut off, a
 * lying Content-Length, binary, an answer too slow to wait for). One request per connection.
 */
final class ScriptedHttpServer implements AutoCloseable {
  /** Writes the whole response (status line, headers, body) for one request. */
  @FunctionalInterface
  interface Answer {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final AtomicReference<Answer> answer = new AtomicReference<>(ok(""));
  private final AtomicInteger requests = new AtomicInteger();

  ScriptedHttpServer() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::acceptLoop);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/metrics");
  }

  void answer(Answer a) {
    answer.set(a);
  }

  int requests() {
    return requests.get();
  }

  /** A 200 with {@code body} and its true Content-Length. */
  static Answer ok(String body) {
    return raw(200, body.getBytes(StandardCharsets.UTF_8), -1);
  }

  /** A 200 whose page is made at each request. */
  static Answer ok(java.util.function.Supplier<String> body) {
    return out -> ok(body.get()).write(out);
  }

  /**
   * {@code status} with {@code body}, declaring {@code declaredLength} (-1: the body's true length)
   * and closing after the body.
   */
  static Answer raw(int status, byte[] body, long declaredLength) {
    return out -> {
      long length = declaredLength < 0 ? body.length : declaredLength;
      String head =
          "HTTP/1.1 "
              + status
              + " X\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
              + length
              + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    };
  }

  /** Waits {@code millis} before answering as {@code then} does. */
  static Answer slow(long millis, Answer then) {
    return out -> {
      Thread.sleep(millis);
      then.write(out);
    };
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(5000);
      readHead(s.getInputStream());
      requests.incrementAndGet();
      answer.get().write(s.getOutputStream());
    } catch (IOException e) {
      // the client went away (timeouts, cancelled bodies): nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int i = 0; i < 65536 && matched < 4; i++) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request ended");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing a test server
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.mqttdispatcher.embedded;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The embedded broker's own metrics as Prometheus text at {@code http://127.0.0.1:PORT/metrics},
 * under the names HiveMQ's Prometheus extension gives them (the Dropwizard name with every other
 * character than letters, digits, '_' and ':' as '_'; counters and numeric gauges as gauges, meters
 * as {@code NAME_total} counters), so a probe reads it with {@code --metrics-format hivemq}.
 *
 * <p>Kept small and bounded: loopback only, one thread answering one request at a time, a request
 * head of at most {@link #MAX_HEAD} bytes read within {@link #READ_TIMEOUT_MS}, {@code GET
 * /metrics} or a 404.
 */
public final class MetricsEndpoint implements AutoCloseable {
  static final int MAX_HEAD = 8192;
  static final int READ_TIMEOUT_MS = 2000;

  private final MetricRegistry registry;
  private final ServerSocket server;
  private final Thread thread;

  private MetricsEndpoint(MetricRegistry registry, int port) throws IOException {
    this.registry = registry;
    this.server = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "metrics-endpoint");
    thread.setDaemon(true);
  }

  /** Listens on 127.0.0.1:{@code port} and answers from {@code registry} until closed. */
  public static MetricsEndpoint start(MetricRegistry registry, int port) throws IOException {
    MetricsEndpoint endpoint = new MetricsEndpoint(registry, port);
    endpoint.thread.start();
    return endpoint;
  }

  public int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(READ_TIMEOUT_MS);
        answer(s);
      } catch (IOException | RuntimeException e) {
        // one client's trouble (a timeout, a reset) never stops the endpoint; closed ends the loop
      }
    }
  }

  private void answer(Socket s) throws IOException {
    String requestLine = head(s.getInputStream());
    OutputStream out = s.getOutputStream();
    if (requestLine.startsWith("GET /metrics ") || requestLine.startsWith("GET /metrics?")) {
      write(out, "200 OK", text(registry));
    } else {
      write(out, "404 Not Found", "only GET /metrics is here\n");
    }
  }

  /** Reads the request head (up to the blank line, at most MAX_HEAD bytes); its first line. */
  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int matched = 0;
    while (matched < 4) {
      if (head.length() >= MAX_HEAD) {
        throw new IOException("request head over " + MAX_HEAD + " bytes");
      }
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request ended");
      }
      head.append((char) b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    int eol = head.indexOf("\r\n");
    return head.substring(0, eol);
  }

  private static void write(OutputStream out, String status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: "
                + bytes.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** The registry in Prometheus text, as HiveMQ's Prometheus extension names it. */
  static String text(MetricRegistry registry) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      sample(b, name(e.getKey()), "gauge", e.getValue().getCount());
    }
    @SuppressWarnings("rawtypes")
    SortedMap<String, Gauge> gauges = registry.getGauges();
    for (@SuppressWarnings("rawtypes") Map.Entry<String, Gauge> e : gauges.entrySet()) {
      Object v = e.getValue().getValue();
      if (v instanceof Number n) {
        sample(b, name(e.getKey()), "gauge", n.doubleValue());
      } else if (v instanceof Boolean flag) {
        sample(b, name(e.getKey()), "gauge", flag ? 1 : 0);
      }
    }
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      sample(b, name(e.getKey()) + "_total", "counter", e.getValue().getCount());
    }
    return b.toString();
  }

  private static void sample(StringBuilder b, String name, String type, double value) {
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    b.append(name).append(' ').append(format(value)).append('\n');
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return String.format(Locale.ROOT, "%s", v);
  }

  /** Dropwizard's dotted name as a Prometheus name. */
  static String name(String dropwizard) {
    StringBuilder b = new StringBuilder(dropwizard.length());
    for (int i = 0; i < dropwizard.length(); i++) {
      char c = dropwizard.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || c == '_'
              || c == ':'
              || (i > 0 && c >= '0' && c <= '9');
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing: nothing more to do
    }
  }
}

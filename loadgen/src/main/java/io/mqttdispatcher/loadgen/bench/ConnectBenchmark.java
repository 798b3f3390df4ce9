package io.mqttdispatcher.loadgen.bench;

import io.mqttdispatcher.devicekit.Endpoint;
import io.mqttdispatcher.devicekit.ServerReference;
import io.mqttdispatcher.loadgen.report.Percentile;
import io.mqttdispatcher.wire.ConnAck;
import io.mqttdispatcher.wire.MqttV5Packets;
import io.mqttdispatcher.wire.ReasonCodes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Opens connections as fast as {@code concurrency} threads can, each sending one CONNECT and
 * reading the CONNACK, until the duration is over. Sockets close with linger 0 (no TIME_WAIT) and,
 * for a loopback target, come from several 127.0.0.x source addresses, so ephemeral ports last.
 */
public final class ConnectBenchmark {
  /** Keep alive of the CONNECTs sent; the connection closes after the CONNACK anyway. */
  private static final int KEEP_ALIVE_SECONDS = 60;

  private final BenchOptions options;
  private final InetSocketAddress target;
  private final List<InetAddress> sources;
  private final Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> followCodes = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>("");

  public ConnectBenchmark(BenchOptions options) throws UnknownHostException {
    this.options = options;
    this.target =
        new InetSocketAddress(
            InetAddress.getByName(options.target().host()), options.target().port());
    this.sources = sourceAddresses(target.getAddress(), options.sourceAddresses());
  }

  public BenchResult run() throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + options.duration().toNanos();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < options.concurrency(); i++) {
      Worker w = new Worker(i, deadline);
      workers.add(w);
      w.thread.start();
    }
    long joinBy = deadline + options.timeout().toNanos() * 3;
    for (Worker w : workers) {
      w.thread.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
      w.thread.interrupt();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long exchanges = workers.stream().mapToLong(w -> w.completed).sum();
    Histogram all = Percentile.microsecondsHistogram();
    workers.forEach(w -> all.add(w.latencies));
    return new BenchResult(
        exchanges,
        errors.get(),
        seconds,
        Percentile.millis(all, 50),
        Percentile.millis(all, 99),
        Percentile.millis(all, 99.9),
        Percentile.maxMillis(all),
        snapshot(codes),
        snapshot(followCodes),
        Objects.requireNonNull(firstError.get()));
  }

  private final class Worker implements Runnable {
    final Thread thread;
    final long deadline;
    final int id;

    /** Written by this worker's thread only; read after it ended. */
    final Histogram latencies = Percentile.microsecondsHistogram();

    long completed;

    Worker(int id, long deadline) {
      this.id = id;
      this.deadline = deadline;
      this.thread = new Thread(this, "bench-" + id);
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      long n = 0;
      while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
        n++;
        InetAddress source =
            sources.isEmpty() ? null : sources.get((int) ((n + id) % sources.size()));
        long t0 = System.nanoTime();
        try {
          ConnAck ack = exchange(target, source, "bench-" + id + "-" + n);
          count(codes, ack.reasonCode());
          if (options.follow() && ack.serverReference() != null) {
            Endpoint broker = ServerReference.parse(ack.serverReference()).get(0);
            InetSocketAddress to =
                new InetSocketAddress(InetAddress.getByName(broker.host()), broker.port());
            ConnAck brokerAck = exchange(to, source, "bench-" + id + "-" + n);
            count(followCodes, brokerAck.reasonCode());
          }
          record(System.nanoTime() - t0);
        } catch (IOException | RuntimeException e) {
          errors.incrementAndGet();
          firstError.compareAndSet("", e.toString());
        }
      }
    }

    private void record(long nanos) {
      completed++;
      latencies.recordValue(nanos / 1000);
    }
  }

  private ConnAck exchange(InetSocketAddress to, @Nullable InetAddress source, String clientId)
      throws IOException {
    int timeout = (int) options.timeout().toMillis();
    try (Socket s = new Socket()) {
      s.setSoLinger(true, 0);
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeout);
      if (source != null) {
        s.bind(new InetSocketAddress(source, 0));
      }
      s.connect(to, timeout);
      s.getOutputStream().write(MqttV5Packets.connect(clientId, KEEP_ALIVE_SECONDS));
      InputStream in = s.getInputStream();
      ConnAck ack = ConnAck.read(in);
      if (ack.reasonCode() == ReasonCodes.SUCCESS) {
        s.getOutputStream().write(MqttV5Packets.disconnect());
      }
      return ack;
    }
  }

  private static void count(Map<String, AtomicLong> counts, int code) {
    counts.computeIfAbsent(ReasonCodes.describe(code), k -> new AtomicLong()).incrementAndGet();
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * 127.0.0.1..127.0.0.N for a loopback target; none otherwise (the system picks the route's
   * address).
   */
  static List<InetAddress> sourceAddresses(InetAddress target, int count)
      throws UnknownHostException {
    List<InetAddress> out = new ArrayList<>();
    if (count == 0 || !target.isLoopbackAddress() || target.getAddress().length != 4) {
      return out;
    }
    for (int i = 1; i <= count; i++) {
      out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
    }
    return out;
  }
}

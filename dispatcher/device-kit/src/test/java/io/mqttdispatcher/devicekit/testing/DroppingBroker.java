package io.mqttdispatcher.devicekit.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving broker on loopback: it reads each CONNECT, accepts it (CONNACK 0x00), and closes
 * the connection {@code dropAfter} later, as a broker that accepts devices and then drops them.
 * {@link #landings()} counts the CONNECTs it accepted.
 */
public final class DroppingBroker implements AutoCloseable {
  // CONNACK, remaining length 3: no session present, reason 0x00 Success, no properties
  private static final byte[] CONNACK_SUCCESS = {0x20, 0x03, 0x00, 0x00, 0x00};

  private final ServerSocket server;
  private final Duration dropAfter;
  private final AtomicInteger landings = new AtomicInteger();
  private final ScheduledExecutorService drops = Executors.newSingleThreadScheduledExecutor();
  private final Thread acceptor;

  private DroppingBroker(Duration dropAfter) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.dropAfter = dropAfter;
    this.acceptor = new Thread(this::accept, "dropping-broker-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Listens on a free loopback port. */
  public static DroppingBroker start(Duration dropAfter) throws IOException {
    return new DroppingBroker(dropAfter);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      // Answered on the acceptor thread: a CONNECT is a few bytes on loopback, read within 2 s.
      try {
        s.setSoTimeout(2000);
        if (readsConnect(s.getInputStream())) {
          s.getOutputStream().write(CONNACK_SUCCESS);
          s.getOutputStream().flush();
          landings.incrementAndGet();
          drops.schedule(() -> closeQuietly(s), dropAfter.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
      } catch (IOException e) {
        // a peer that left before its CONNACK: nothing to count
      }
      closeQuietly(s);
    }
  }

  private static boolean readsConnect(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int first = data.readUnsignedByte();
    int length = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = data.readUnsignedByte();
      length |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    data.readFully(new byte[length]);
    return first == 0x10;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed by the peer
    }
  }

  /** {@code 127.0.0.1:port}. */
  public String endpoint() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** CONNECTs accepted so far. */
  public int landings() {
    return landings.get();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    acceptor.join(2000);
    drops.shutdownNow();
  }
}

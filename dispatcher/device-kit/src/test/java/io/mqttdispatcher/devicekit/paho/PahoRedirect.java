package io.mqttdispatcher.devicekit.paho;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Recipe: Eclipse Paho Java v5 ({@code org.eclipse.paho.mqttv5.client}) following the dispatcher's
 * redirect. Copy it into device code; it needs nothing but Paho.
 *
 * <p>Paho turns a refusing CONNACK into an {@link MqttException} with the reason code and drops the
 * CONNACK's properties, Server Reference included. So the recipe gives Paho a socket factory that
 * reads the first packet the server sends, the CONNACK, as it passes by. It covers {@code tcp://}
 * (the device's own socket factory, if any, is wrapped). Not {@code ssl://}: Paho casts its socket
 * to {@code SSLSocket}, which this plain wrapper is not; nor Paho's WebSocket transport, which
 * frames the bytes.
 *
 * <pre>{@code
 * MqttConnectionOptions options = new MqttConnectionOptions();   // credentials, TLS, keep alive...
 * MqttAsyncClient client = PahoRedirect.connect("tcp://dispatcher.example:1883", "sensor-42", options, 3);
 * }</pre>
 */
public final class PahoRedirect {
  private static final int USE_ANOTHER_SERVER = 0x9C;
  private static final int SERVER_MOVED = 0x9D;

  private PahoRedirect() {}

  /**
   * Connects through the dispatcher at {@code dispatcherUri} and follows its redirects, at most
   * {@code maxHops}; tries several references in order. Returns the client connected to the broker.
   *
   * @throws MqttException the last refusal or failure, or a loop ({@code redirect loop: a -> b ->
   *     a})
   */
  public static MqttAsyncClient connect(
      String dispatcherUri, String clientId, MqttConnectionOptions options, int maxHops)
      throws MqttException {
    String scheme = dispatcherUri.substring(0, dispatcherUri.indexOf("://"));
    SocketFactory own =
        options.getSocketFactory() != null
            ? options.getSocketFactory()
            : SocketFactory.getDefault();
    List<String> redirectedBy = new ArrayList<>();
    List<String> candidates = List.of(dispatcherUri.substring(scheme.length() + 3));
    for (int hops = 0; ; hops++) {
      MqttException last = null;
      String reference = null;
      for (String hostPort : candidates) {
        if (redirectedBy.contains(hostPort)) {
          continue;
        }
        ConnAckSniffer sniffer = new ConnAckSniffer(own);
        options.setSocketFactory(sniffer);
        MqttAsyncClient client =
            new MqttAsyncClient(scheme + "://" + hostPort, clientId, new MemoryPersistence());
        try {
          client.connect(options).waitForCompletion(options.getConnectionTimeout() * 1000L);
          options.setSocketFactory(own);
          return client;
        } catch (MqttException e) {
          client.close(true);
          last = e;
          if ((e.getReasonCode() == USE_ANOTHER_SERVER || e.getReasonCode() == SERVER_MOVED)
              && sniffer.serverReference != null) {
            redirectedBy.add(hostPort);
            reference = sniffer.serverReference;
            break;
          }
        }
      }
      options.setSocketFactory(own);
      if (reference == null) {
        throw last != null ? last : new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION);
      }
      candidates = new ArrayList<>();
      for (String r : reference.trim().split("\\s+")) {
        candidates.add(r.startsWith("[") || r.contains(":") ? r : r + ":1883");
      }
      if (redirectedBy.containsAll(candidates)) {
        throw new MqttException(
            USE_ANOTHER_SERVER,
            new IllegalStateException(
                "redirect loop: "
                    + String.join(" -> ", redirectedBy)
                    + " -> "
                    + candidates.get(0)
                    + " again"));
      }
      if (hops + 1 > maxHops) {
        throw new MqttException(
            USE_ANOTHER_SERVER, new IllegalStateException("more than " + maxHops + " redirects"));
      }
    }
  }

  /** Wraps a socket factory; remembers the Server Reference of the CONNACK its socket receives. */
  private static final class ConnAckSniffer extends SocketFactory {
    private final SocketFactory delegate;
    volatile String serverReference;

    ConnAckSniffer(SocketFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Socket createSocket() throws IOException {
      return wrap(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return wrap(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return wrap(delegate.createSocket(address, port, localAddress, localPort));
    }

    private Socket wrap(Socket socket) {
      return new Socket() {
        private final Socket s = socket;

        @Override
        public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
          s.connect(endpoint, timeout);
        }

        @Override
        public InputStream getInputStream() throws IOException {
          return new FirstPacket(s.getInputStream());
        }

        @Override
        public java.io.OutputStream getOutputStream() throws IOException {
          return s.getOutputStream();
        }

        @Override
        public boolean isConnected() {
          return s.isConnected();
        }

        @Override
        public void setSoTimeout(int timeout) throws java.net.SocketException {
          s.setSoTimeout(timeout);
        }

        @Override
        public void setTcpNoDelay(boolean on) throws java.net.SocketException {
          s.setTcpNoDelay(on);
        }

        @Override
        public void shutdownInput() throws IOException {
          s.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
          s.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
          s.close();
        }
      };
    }

    /**
     * Copies bytes until the first packet is complete, then reads its Server Reference (if it is a
     * CONNACK).
     */
    private final class FirstPacket extends FilterInputStream {
      private final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
      private boolean done;

      FirstPacket(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          record(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          record(buf, off, n);
        }
        return n;
      }

      private void record(byte[] buf, int off, int len) {
        if (done) {
          return;
        }
        seen.write(buf, off, len);
        byte[] p = seen.toByteArray();
        if ((p[0] & 0xF0) != 0x20) {
          done = true; // not a CONNACK
          return;
        }
        int[] at = {1};
        int remaining = varint(p, at);
        if (remaining < 0 || p.length < at[0] + remaining) {
          return; // incomplete
        }
        done = true;
        serverReference = serverReference(p, at[0] + 2, at[0] + remaining);
      }
    }
  }

  /** The Server Reference (0x1C) among CONNACK properties starting at {@code i}, or null. */
  static String serverReference(byte[] p, int i, int end) {
    int[] at = {i};
    int length = varint(p, at);
    int stop = Math.min(end, at[0] + length);
    int j = at[0];
    while (j < stop) {
      int id = p[j++] & 0xFF;
      switch (id) {
        case 0x24, 0x25, 0x28, 0x29, 0x2A -> j += 1;
        case 0x13, 0x21, 0x22 -> j += 2;
        case 0x11, 0x27 -> j += 4;
        case 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F -> {
          int n = ((p[j] & 0xFF) << 8) | (p[j + 1] & 0xFF);
          if (id == 0x1C) {
            return new String(p, j + 2, n, StandardCharsets.UTF_8);
          }
          j += 2 + n;
        }
        case 0x26 -> {
          for (int k = 0; k < 2; k++) {
            j += 2 + (((p[j] & 0xFF) << 8) | (p[j + 1] & 0xFF));
          }
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  private static int varint(byte[] p, int[] at) {
    int value = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      if (at[0] >= p.length) {
        return -1;
      }
      int b = p[at[0]++] & 0xFF;
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    return -1;
  }
}

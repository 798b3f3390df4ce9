package io.mqttdispatcher.embedded;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.mqttdispatcher.cli.SuppressForbidden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * One HiveMQ CE broker in this JVM, listening on 127.0.0.1:PORT, with in-memory persistence, no
 * usage statistics and every client allowed: the demo's broker, and the tests' broker, when
 * mosquitto is not installed. It prints {@code broker listening on 127.0.0.1:PORT} on stderr once
 * it accepts clients, and stops on SIGTERM. With a third argument it also serves its metrics as
 * Prometheus text on 127.0.0.1:METRICS_PORT ({@link MetricsEndpoint}), which a probe reads with
 * {@code --metrics-url http://127.0.0.1:METRICS_PORT/metrics}. A fourth argument names a file of
 * more HiveMQ listener elements (e.g. {@code <websocket-listener>}, {@code <tls-tcp-listener>}) to
 * add beside the MQTT one. Usage: {@code java -cp loadgen.jar
 * io.mqttdispatcher.embedded.EmbeddedBrokerMain PORT DIR [METRICS_PORT [LISTENERS_XML]]}.
 */
public final class EmbeddedBrokerMain {
  /**
   * Exit status when the broker's port or its metrics port was taken before it could listen there
   * (a port found free a moment earlier can be taken meanwhile): the caller may try other ports.
   */
  public static final int EXIT_PORT_TAKEN = 3;

  private EmbeddedBrokerMain() {}

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  @SuppressForbidden(reason = "a command-line entry point: usage and the ready line go to stderr")
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 4) {
      System.err.println("usage: EmbeddedBrokerMain PORT DIR [METRICS_PORT [LISTENERS_XML]]");
      System.exit(2);
    }
    String moreListeners = args.length == 4 ? Files.readString(Path.of(args[3])) : "";
    int port = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(
        conf.resolve("config.xml"),
        String.format(
            Locale.ROOT,
            """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
            %s
          </listeners>
          <persistence><mode>in-memory</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """,
            port,
            moreListeners));
    EmbeddedExtension allowAll =
        EmbeddedExtension.builder()
            .withId("allow-all")
            .withName("allow every client")
            .withVersion("1")
            .withPriority(0)
            .withStartPriority(1000)
            .withAuthor("mqtt-dispatcher")
            .withExtensionMain(new AllowAll())
            .build();
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(Files.createDirectories(dir.resolve("data")))
            .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
            .withEmbeddedExtension(allowAll)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  hivemq.stop().join();
                  stopped.countDown();
                }));
    try {
      hivemq.start().join();
      if (args.length >= 3) {
        MetricsEndpoint metrics =
            MetricsEndpoint.start(hivemq.getMetricRegistry(), Integer.parseInt(args[2]));
        System.err.println("metrics at http://127.0.0.1:" + metrics.port() + "/metrics");
      }
    } catch (Exception e) {
      // HiveMQ's threads would keep this JVM alive, serving nothing useful, and whoever waits for
      // the ready line would wait in vain: say why and exit (the shutdown hook stops HiveMQ).
      boolean taken = portTaken(e);
      System.err.println(
          (taken
                  ? "a port is taken (MQTT " + port + ", metrics "
                  : "cannot start (MQTT " + port + ", metrics ")
              + (args.length >= 3 ? args[2] : "none")
              + "): "
              + e);
      System.exit(taken ? EXIT_PORT_TAKEN : 1);
    }
    System.err.println("broker listening on 127.0.0.1:" + port);
    stopped.await();
  }

  /** Authenticates every client: the demo runs on loopback only. */
  private static final class AllowAll implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
      Services.securityRegistry()
          .setAuthenticatorProvider(
              providerInput ->
                  (SimpleAuthenticator) (connect, out) -> out.authenticateSuccessfully());
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
  }
}

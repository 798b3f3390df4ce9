package io.mqttdispatcher.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.TestBroker;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as a user runs it. */
class DispatcherCliIT {
  private static final Path JAR = Path.of("target", "dispatcher.jar");

  private static Process java(Path log, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Result run(Path dir, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "out", ".txt");
    Process p = java(log, args);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("dispatcher " + String.join(" ", args) + " did not exit");
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  record Result(int exit, String output) {}

  @Test
  void help_lists_every_option(@TempDir Path dir) throws Exception {
    Result r = run(dir, "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.output())
        .contains(
            "--listen",
            "--tls-listen",
            "--tls-cert",
            "--tls-key",
            "--ws-listen",
            "--ws-path",
            "--probe-listen",
            "--admin-listen",
            "--probe-secret-file",
            "--allow",
            "--redirect-code",
            "--window",
            "--stale-after",
            "--connect-timeout",
            "--max-connect-size",
            "--io-threads",
            "--transport",
            "auto|io_uring|epoll|nio",
            "--admin-token-file",
            "--affinity-records",
            "--affinity-epsilon",
            "bytes of heap each",
            "0.0.0.0:1883",
            "0.0.0.0:7883",
            "127.0.0.1:8080",
            "use-another-server",
            "65536");
  }

  @Test
  void missing_or_empty_secret_file_refuses_to_start(@TempDir Path dir) throws Exception {
    Result none = run(dir);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.output())
        .contains("Missing required option: '--probe-secret-file=FILE'", "--help")
        .doesNotContain("Usage:");

    Result missing = run(dir, "--probe-secret-file", dir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.output())
        .contains("secret file", "does not exist")
        .doesNotContain("Exception");

    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Result blank = run(dir, "--probe-secret-file", empty.toString());
    assertThat(blank.exit()).isEqualTo(2);
    assertThat(blank.output()).contains("is empty");
  }

  @Test
  void bad_option_values_get_specific_messages(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s");
    assertThat(run(dir, "--probe-secret-file", secret.toString(), "--window", "5").output())
        .contains("500ms");
    assertThat(
            run(dir, "--probe-secret-file", secret.toString(), "--redirect-code", "moved").output())
        .contains("use-another-server");
    assertThat(
            run(dir, "--probe-secret-file", secret.toString(), "--allow", "10.0.0.0/40").output())
        .contains("10.0.0.0/40");
    assertThat(
            run(dir, "--probe-secret-file", secret.toString(), "--tls-listen", "127.0.0.1:0")
                .output())
        .contains("--tls-listen needs --tls-cert and --tls-key");
    assertThat(
            run(dir, "--probe-secret-file", secret.toString(), "--affinity-epsilon", "-1").output())
        .contains("--affinity-epsilon must be 0 or more");
    assertThat(
            run(dir, "--probe-secret-file", secret.toString(), "--affinity-records", "-1").output())
        .contains("--affinity-records must be 0 (keep none) or more");
    assertThat(run(dir, "--probe-secret-file", secret.toString(), "--transport", "kqueue").output())
        .contains("--transport must be one of auto, io_uring, epoll, nio, got 'kqueue'");
  }

  @Test
  void a_busy_port_is_named(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s");
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String taken = "127.0.0.1:" + busy.getLocalPort();
      Result r =
          run(
              dir,
              "--probe-secret-file",
              secret.toString(),
              "--listen",
              taken,
              "--probe-listen",
              "127.0.0.1:0",
              "--admin-listen",
              "127.0.0.1:0",
              "--io-threads",
              "1");

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.output())
          .contains("cannot listen for devices on " + taken)
          .doesNotContain("\tat ");
    }
  }

  /**
   * The jar started with a probe port, an admin port and a session store, on free ports; {@link
   * #stop()} sends SIGTERM and says whether it exited in time.
   */
  private record RunningJar(Process process, int devices, int probes, int admin, Path log) {
    static RunningJar start(Path dir) throws Exception {
      Path secret = Files.write(dir.resolve("secret"), TestDispatchers.SECRET);
      int devices = FreePort.find();
      int probes = FreePort.find();
      int admin = FreePort.find();
      Path log = dir.resolve("dispatcher.log");
      Process p =
          java(
              log,
              "--listen",
              "127.0.0.1:" + devices,
              "--probe-listen",
              "127.0.0.1:" + probes,
              "--admin-listen",
              "127.0.0.1:" + admin,
              "--probe-secret-file",
              secret.toString(),
              "--allow",
              "127.0.0.1",
              "--affinity-records",
              "1000");
      RunningJar jar = new RunningJar(p, devices, probes, admin, log);
      try {
        awaitLog(log, "dispatcher ready");
      } catch (Exception | AssertionError e) {
        jar.stop();
        throw e;
      }
      return jar;
    }

    String get(HttpClient http, String path) throws Exception {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    /** SIGTERM; true when the process exited within 15 s (it is killed otherwise). */
    boolean stop() throws InterruptedException {
      process.destroy();
      boolean exited = process.waitFor(15, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      return exited;
    }
  }

  /**
   * Reports broker-a healthy every 500 ms, as a real probe does: one report goes stale after the
   * dispatcher's 3 s, and a loaded machine can take longer than that between two steps of a test.
   */
  private static final class Heartbeat implements AutoCloseable {
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    Heartbeat(TestProbe probe) {
      thread.scheduleAtFixedRate(
          () -> probe.report(0.1, "127.0.0.1:11883"), 0, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      thread.shutdownNow();
      thread.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void running_jar_redirects_devices_and_stops_on_sigterm(@TempDir Path dir) throws Exception {
    RunningJar jar = RunningJar.start(dir);
    boolean exited;
    try {
      HttpClient http = HttpClient.newHttpClient();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + jar.admin() + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);

      try (TestProbe probe =
              TestProbe.authenticated(jar.probes(), "broker-a", TestDispatchers.SECRET);
          Heartbeat reports = new Heartbeat(probe)) {
        awaitReady(http, jar.admin());

        Mqtt5ConnAck redirect = TestDevice.ask(jar.devices());
        assertThat(redirect.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER);
        assertThat(redirect.getServerReference().map(Object::toString)).hasValue("127.0.0.1:11883");
        // A device with a session (Clean Start 0, Session Expiry > 0) gets a session record.
        TestDevice.ask(jar.devices(), "meter-1", false, 3600);

        assertThat(jar.get(http, "/brokers")).contains("\"id\":\"broker-a\"", "\"redirects\":2");
        assertThat(jar.get(http, "/metrics"))
            .contains(
                "dispatcher_redirects_total{broker=\"broker-a\",code=\"0x9c\"} 2.0",
                "dispatcher_session_records 1.0",
                "dispatcher_session_records_evicted_total{cause=\"size\"} 0.0");
      }
    } finally {
      exited = jar.stop();
    }
    assertThat(exited).as("dispatcher exits on SIGTERM").isTrue();
    assertThat(Files.readString(jar.log()))
        .doesNotContain(new String(TestDispatchers.SECRET, StandardCharsets.UTF_8));
  }

  /** The same redirect as a mainstream C client (Mosquitto's own) prints it. */
  @Test
  void running_jar_redirects_mosquitto_sub(@TempDir Path dir) throws Exception {
    String mosquittoSub =
        TestBroker.assumeOnPath("mosquitto_sub", "a mainstream client that prints the redirect");
    RunningJar jar = RunningJar.start(dir);
    try (TestProbe probe =
            TestProbe.authenticated(jar.probes(), "broker-a", TestDispatchers.SECRET);
        Heartbeat reports = new Heartbeat(probe)) {
      awaitReady(HttpClient.newHttpClient(), jar.admin());

      Process sub =
          new ProcessBuilder(
                  mosquittoSub,
                  "-V",
                  "mqttv5",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  String.valueOf(jar.devices()),
                  "-t",
                  "x",
                  "-W",
                  "5")
              .redirectErrorStream(true)
              .start();
      assertThat(sub.waitFor(10, TimeUnit.SECONDS)).isTrue();
      String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).contains("Use another server");
    } finally {
      jar.stop();
    }
  }

  private static void awaitReady(HttpClient http, int admin) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("dispatcher never became ready");
  }

  private static void awaitLog(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + text + "' in the dispatcher log:\n" + Files.readString(log));
  }
}

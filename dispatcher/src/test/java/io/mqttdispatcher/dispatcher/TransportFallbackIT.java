package io.mqttdispatcher.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.TestDevice;
import io.mqttdispatcher.testing.TestDispatchers;
import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --transport} in the packaged jar, on a host that refuses io_uring the way a container's
 * default seccomp profile does: the test runs the jar under a seccomp filter (python3-seccomp) that
 * makes {@code io_uring_setup}, {@code io_uring_enter} and {@code io_uring_register} fail with
 * EPERM.
 */
class TransportFallbackIT {
  private static final Path JAR = Path.of("target", "dispatcher.jar");
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SECCOMP_PROFILE =
      Path.of("..", "deploy", "seccomp", "dispatcher-io-uring.json");

  @TempDir Path dir;

  @Test
  void auto_falls_back_to_epoll_where_seccomp_forbids_io_uring_and_shows_why() throws Exception {
    Running d = start(withoutIoUring(), "auto");
    try {
      d.awaitLog("dispatcher ready");

      assertThat(d.log())
          .contains(
              "device listeners run on epoll (--transport auto): io_uring is not available"
                  + " (failed to create io_uring ring fd: Operation not permitted)");
      assertThat(d.get("/metrics"))
          .contains("dispatcher_transport_info{requested=\"auto\",transport=\"epoll\"} 1");
      assertThat(d.get("/brokers"))
          .contains("\"deviceTransport\":{\"transport\":\"epoll\",\"fallback\":\"io_uring is not");
      // The listener answers on epoll: no broker yet, so Server unavailable.
      assertThat(TestDevice.ask(d.devicePort).getReasonCode().getCode()).isEqualTo(0x88);
    } finally {
      d.stop();
    }
  }

  @Test
  void explicit_io_uring_where_seccomp_forbids_it_refuses_to_start_with_the_reason()
      throws Exception {
    Running d = start(withoutIoUring(), "io_uring");
    try {
      assertThat(d.process.waitFor(30, TimeUnit.SECONDS)).as("the dispatcher exits").isTrue();

      assertThat(d.process.exitValue()).isEqualTo(2);
      assertThat(d.log())
          .contains(
              "--transport io_uring: io_uring is not available on this host (failed to create"
                  + " io_uring ring fd: Operation not permitted); use --transport auto")
          .doesNotContain("\tat ");
    } finally {
      d.stop();
    }
  }

  @Test
  void auto_takes_io_uring_where_the_kernel_allows_it() throws Exception {
    assumeTrue(
        IoUring.isAvailable(),
        () -> "io_uring is not available to the tests here: " + IoUring.unavailabilityCause());
    Running d = start(List.of(), "auto");
    try {
      d.awaitLog("dispatcher ready");

      assertThat(d.log()).contains("device listeners run on io_uring (--transport auto)");
      assertThat(d.get("/metrics"))
          .contains("dispatcher_transport_info{requested=\"auto\",transport=\"io_uring\"} 1");
      assertThat(TestDevice.ask(d.devicePort).getReasonCode().getCode()).isEqualTo(0x88);
    } finally {
      d.stop();
    }
  }

  @Test
  void io_uring_and_epoll_run_under_the_seccomp_profile_in_deploy() throws Exception {
    assumeTrue(
        IoUring.isAvailable(),
        () -> "io_uring is not available to the tests here: " + IoUring.unavailabilityCause());
    for (String transport : List.of("io_uring", "epoll")) {
      Running d = start(withSeccompProfile(SECCOMP_PROFILE), transport);
      try {
        d.awaitLog("dispatcher ready");

        assertThat(d.get("/metrics")).contains("transport=\"" + transport + "\"} 1");
        assertThat(TestDevice.ask(d.devicePort).getReasonCode().getCode()).isEqualTo(0x88);
      } finally {
        d.stop();
      }
      assertThat(d.log()).as("no system call refused").doesNotContain("Operation not permitted");
    }
  }

  /** The seccomp wrapper, or a skipped test that says what to install. */
  private List<String> withoutIoUring() throws IOException, InterruptedException {
    assumeSeccomp();
    Path script = dir.resolve("without-io-uring.py");
    try (InputStream in = getClass().getResourceAsStream("without-io-uring.py")) {
      Files.write(script, in.readAllBytes());
    }
    return List.of(PYTHON, script.toString());
  }

  private static void assumeSeccomp() throws InterruptedException {
    boolean ok;
    try {
      Process check = new ProcessBuilder(PYTHON, "-c", "import seccomp").start();
      ok = check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0;
      check.destroyForcibly();
    } catch (IOException noPython) {
      ok = false;
    }
    assumeTrue(
        ok,
        "no "
            + PYTHON
            + " with python3-seccomp: cannot apply seccomp filters to the dispatcher"
            + " (apt-get install -y python3-seccomp)");
  }

  /** Runs under {@code profile} as a container runtime would apply it. */
  private List<String> withSeccompProfile(Path profile) throws IOException, InterruptedException {
    assumeSeccomp();
    Path script = dir.resolve("with-seccomp-profile.py");
    try (InputStream in = getClass().getResourceAsStream("with-seccomp-profile.py")) {
      Files.write(script, in.readAllBytes());
    }
    return List.of(PYTHON, script.toString(), profile.toString());
  }

  private Running start(List<String> prefix, String transport) throws IOException {
    Path secret = Files.write(dir.resolve("secret"), TestDispatchers.SECRET);
    int devices = FreePort.find();
    int admin = FreePort.find();
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString(),
            "--listen",
            "127.0.0.1:" + devices,
            "--probe-listen",
            "127.0.0.1:" + FreePort.find(),
            "--admin-listen",
            "127.0.0.1:" + admin,
            "--probe-secret-file",
            secret.toString(),
            "--io-threads",
            "1",
            "--transport",
            transport));
    Path log = Files.createTempFile(dir, "dispatcher", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Running(p, log, devices, admin);
  }

  private record Running(Process process, Path logFile, int devicePort, int adminPort) {
    String log() throws IOException {
      return Files.readString(logFile);
    }

    void awaitLog(String text) throws Exception {
      await("'" + text + "' in the dispatcher log, or the dispatcher to exit")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> log().contains(text) || !process.isAlive());
      assertThat(log()).as("the dispatcher log").contains(text);
    }

    String get(String path) throws Exception {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}

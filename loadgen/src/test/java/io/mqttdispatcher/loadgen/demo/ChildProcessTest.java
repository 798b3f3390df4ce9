package io.mqttdispatcher.loadgen.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  @Test
  void a_netty_leak_line_in_the_log_is_found(@TempDir Path dir) throws Exception {
    // given a process that logs what Netty logs on a leak, among other lines
    String leak =
        "12:00:00.000 ERROR io.netty.util.ResourceLeakDetector - LEAK: ByteBuf.release() was not"
            + " called before it's garbage-collected.";
    try (ChildProcess p = run(dir, "echo started; echo \"$0\"; echo stopped", leak)) {
      // then its leak report is that line
      assertThat(p.leakReport()).contains(leak);
    }
  }

  @Test
  void a_log_without_a_leak_line_reports_none(@TempDir Path dir) throws Exception {
    try (ChildProcess p = run(dir, "echo started; echo \"$0\"", "released every buffer")) {
      assertThat(p.leakReport()).isEmpty();
    }
  }

  /** Runs {@code script} with {@code line} as its {@code $0}, so the line needs no quoting. */
  private static ChildProcess run(Path dir, String script, String line) throws Exception {
    ChildProcess p =
        ChildProcess.start(
            "echo", List.of("sh", "-c", script, line), dir.resolve("echo.log"), false);
    await("the process to exit").atMost(Duration.ofSeconds(5)).until(() -> !p.isAlive());
    return p;
  }
}

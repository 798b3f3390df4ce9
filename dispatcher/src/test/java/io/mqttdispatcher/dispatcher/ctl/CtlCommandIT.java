package io.mqttdispatcher.dispatcher.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttdispatcher.dispatcher.Dispatcher;
import io.mqttdispatcher.testing.FreePort;
import io.mqttdispatcher.testing.TestDispatchers;
import io.mqttdispatcher.testing.TestProbe;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dispatcher ctl} against a real dispatcher's admin API. */
class CtlCommandIT {
  private Dispatcher dispatcher;
  private Path tokenFile;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "admin-token\n");
    dispatcher = Dispatcher.start(TestDispatchers.options("--admin-token-file=" + tokenFile));
  }

  @AfterEach
  void stop() {
    dispatcher.close();
  }

  private record Result(int exit, String out, String err) {}

  private Result ctl(String... args) {
    CommandLine cl = CtlCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  private String[] withAdmin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--admin",
            "http://127.0.0.1:" + dispatcher.adminPort(),
            "--token-file",
            tokenFile.toString()));
    return all.toArray(String[]::new);
  }

  @Test
  void drain_of_a_v1_broker_says_it_holds_on_this_replica_only_and_status_shows_it() {
    try (TestProbe probe =
        TestProbe.authenticated(dispatcher.probePort(), "a", TestDispatchers.SECRET)) {
      probe.report(0.1, "127.0.0.1:11883");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !dispatcher.registry().snapshot().brokers().isEmpty());

      Result drained = ctl(withAdmin("drain", "a"));

      assertThat(drained.exit()).as(drained.err()).isZero();
      JsonObject body = new JsonObject(drained.out());
      assertThat(body.getBoolean("draining")).isTrue();
      assertThat(body.getString("scope")).contains("this dispatcher only");
      Result brokers = ctl(withAdmin("brokers"));
      assertThat(
              new JsonObject(brokers.out())
                  .getJsonArray("brokers")
                  .getJsonObject(0)
                  .getBoolean("draining"))
          .isTrue();
      assertThat(new JsonObject(ctl(withAdmin("rebalance", "status")).out()).getString("state"))
          .isEqualTo("none");
      Result evacuate = ctl(withAdmin("evacuate", "a"));
      assertThat(evacuate.exit()).isEqualTo(1);
      assertThat(evacuate.err()).contains("protocol v1 probe");
    }
  }

  @Test
  void errors_are_one_line_and_exit_1() {
    Result unknown = ctl(withAdmin("drain", "zzz"));
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err())
        .isEqualTo("dispatcher ctl: no connected broker 'zzz'" + System.lineSeparator());

    Result noToken = ctl("drain", "a", "--admin", "http://127.0.0.1:" + dispatcher.adminPort());
    assertThat(noToken.exit()).isEqualTo(1);
    assertThat(noToken.err()).contains("missing or wrong bearer token");

    Result unreachable = ctl("brokers", "--admin", "http://127.0.0.1:" + FreePort.find());
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach the dispatcher's admin API");

    Result nothingRunning = ctl(withAdmin("rebalance", "stop"));
    assertThat(nothingRunning.exit()).isEqualTo(1);
    assertThat(nothingRunning.err()).contains("no rebalance is running");

    Result noCommand = ctl();
    assertThat(noCommand.exit()).isEqualTo(2);
    assertThat(noCommand.err()).contains("name a command");
  }
}

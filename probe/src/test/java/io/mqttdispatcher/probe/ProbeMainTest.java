package io.mqttdispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.probe.config.ProbeOptions;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProbeMainTest {
  @TempDir Path dir;

  @Test
  void defaults_are_the_documented_ones() throws IOException {
    ProbeOptions o =
        parse(
            "--endpoint",
            "mqtt=10.0.0.5:1883",
            "--dispatcher",
            "d.example:7883",
            "--secret-file",
            secret().toString());
    assertThat(o.broker().id()).isNotBlank();
    assertThat(o.broker().endpoints()).containsOnlyKeys(Transport.MQTT);
    assertThat(o.reporting().dispatchers()).containsExactly(new HostPort("d.example", 7883));
    assertThat(o.reporting().interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.sampling().pid()).isNull();
    assertThat(o.sampling().processName()).isNull();
    assertThat(o.sampling().brokerCores()).isNull(); // all of the host's
    assertThat(o.broker().check()).isEqualTo(new HostPort("10.0.0.5", 1883));
    assertThat(o.sampling().sysTopics()).isTrue();
    assertThat(o.broker().capacity()).isEqualTo(1.0);
    assertThat(o.reporting().minChange()).isZero();
    assertThat(o.reporting().heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.broker().group()).isEqualTo(BrokerGroup.DEFAULT);
    assertThat(o.toString()).doesNotContain("top-secret");
  }

  @Test
  void every_option_is_read() throws IOException {
    ProbeOptions o =
        parse(
            "--broker-id",
            "b1",
            "--endpoint",
            "mqtt=10.0.0.5:1883",
            "--endpoint",
            "ws=ws://10.0.0.5:8080/mqtt",
            "--dispatcher",
            "10.0.0.1:7883",
            "--dispatcher",
            "10.0.0.2:7883",
            "--secret-file",
            secret().toString(),
            "--interval",
            "500ms",
            "--process",
            "mosquitto",
            "--broker-cores",
            "1",
            "--broker-check",
            "127.0.0.1:1883",
            "--no-sys-topics",
            "--capacity",
            "2.5",
            "--min-change",
            "0.05",
            "--group",
            "tenant-a",
            "--cluster");
    assertThat(o.broker().id()).isEqualTo("b1");
    assertThat(o.broker().endpoints()).containsEntry(Transport.WS, "ws://10.0.0.5:8080/mqtt");
    assertThat(o.reporting().dispatchers()).hasSize(2);
    assertThat(o.reporting().interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.sampling().processName()).isEqualTo("mosquitto");
    assertThat(o.sampling().brokerCores()).isEqualTo(1.0);
    assertThat(o.broker().check()).isEqualTo(new HostPort("127.0.0.1", 1883));
    assertThat(o.sampling().sysTopics()).isFalse();
    assertThat(o.broker().capacity()).isEqualTo(2.5);
    assertThat(o.reporting().minChange()).isEqualTo(0.05);
    assertThat(o.broker().group()).isEqualTo(new BrokerGroup("tenant-a", true));
    assertThat(
            parse(
                    "--endpoint",
                    "mqtt=h:1",
                    "--dispatcher",
                    "d:1",
                    "--secret-file",
                    secret().toString(),
                    "--pid",
                    "1234")
                .sampling()
                .pid())
        .isEqualTo(1234L);
  }

  @Test
  void pid_and_process_together_are_refused() throws IOException {
    Result r =
        run(
            "--endpoint",
            "mqtt=h:1",
            "--dispatcher",
            "d:1",
            "--secret-file",
            secret().toString(),
            "--pid",
            "1",
            "--process",
            "mosquitto");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("mutually exclusive");
  }

  @Test
  void invalid_values_give_one_clear_line_and_exit_code_2() throws IOException {
    Result missingSecret =
        run(
            "--endpoint",
            "mqtt=h:1",
            "--dispatcher",
            "d:1",
            "--secret-file",
            dir.resolve("nope").toString());
    assertThat(missingSecret.exit).isEqualTo(2);
    assertThat(missingSecret.err.lines())
        .containsExactly(
            "probe: secret file " + dir.resolve("nope") + " does not exist",
            "Try 'probe --help' for the options.");

    Result badChange =
        run(
            "--endpoint",
            "mqtt=h:1",
            "--dispatcher",
            "d:1",
            "--secret-file",
            secret().toString(),
            "--min-change",
            "2");
    assertThat(badChange.exit).isEqualTo(2);
    assertThat(badChange.err).contains("--min-change must be a fraction");

    Result badGroup =
        run(
            "--endpoint",
            "mqtt=h:1",
            "--dispatcher",
            "d:1",
            "--secret-file",
            secret().toString(),
            "--group",
            "a b");
    assertThat(badGroup.exit).isEqualTo(2);
    assertThat(badGroup.err).contains("--group must be 1 to 64 letters");

    Result noCores =
        run(
            "--endpoint",
            "mqtt=h:1",
            "--dispatcher",
            "d:1",
            "--secret-file",
            secret().toString(),
            "--broker-cores",
            "0");
    assertThat(noCores.exit).isEqualTo(2);
    assertThat(noCores.err).contains("--broker-cores must be a number of cores greater than 0");

    Result noMqtt =
        run(
            "--endpoint",
            "ws=ws://h:1/mqtt",
            "--dispatcher",
            "d:1",
            "--secret-file",
            secret().toString());
    assertThat(noMqtt.exit).isEqualTo(2);
    assertThat(noMqtt.err).contains("--endpoint mqtt=HOST:PORT is required");
  }

  @Test
  void help_lists_every_option() {
    StringWriter out = new StringWriter();
    CommandLine cl = ProbeMain.commandLine();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--help")).isZero();
    for (String option :
        List.of(
            "--broker-id",
            "--endpoint",
            "--dispatcher",
            "--secret-file",
            "--interval",
            "--pid",
            "--process",
            "--broker-cores",
            "--broker-check",
            "--[no-]sys-topics",
            "--capacity",
            "--min-change")) {
      assertThat(out.toString()).contains(option);
    }
  }

  /** The examples of docs/probe-agent.md, one per broker, as the probe reads them. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "http://127.0.0.1:9399/metrics, hivemq, hivemq",
    "http://127.0.0.1:18083/api/v5/prometheus/stats, emqx, emqx",
    "http://127.0.0.1:8888/metrics, vernemq, vernemq",
    "http://127.0.0.1:8888/metrics, auto, "
  })
  void metrics_url_and_format_are_read(String url, String format, String expected)
      throws IOException {
    ProbeOptions o =
        parse(
            "--endpoint",
            "mqtt=127.0.0.1:1883",
            "--dispatcher",
            "127.0.0.1:7883",
            "--secret-file",
            secret().toString(),
            "--metrics-url",
            url,
            "--metrics-format",
            format);
    assertThat(o.sampling().metrics()).isNotNull();
    assertThat(o.sampling().metrics().url()).hasToString(url);
    if (expected == null) {
      assertThat(o.sampling().metrics().names()).as("recognised from the page").isNull();
    } else {
      assertThat(o.sampling().metrics().names().format()).isEqualTo(expected);
    }
  }

  @Test
  void custom_metric_names_are_read_and_bad_ones_refused() throws IOException {
    ProbeOptions o =
        parse(
            "--endpoint",
            "mqtt=127.0.0.1:1883",
            "--dispatcher",
            "127.0.0.1:7883",
            "--secret-file",
            secret().toString(),
            "--metrics-url",
            "http://127.0.0.1:9000/metrics",
            "--metrics-connections",
            "nanomq_connections_opened-nanomq_connections_closed",
            "--metrics-messages",
            "nanomq_messages_received");
    assertThat(o.sampling().metrics().names().format()).isEqualTo("custom");
    assertThat(o.sampling().metrics().names().connections().get(0).minus())
        .isEqualTo("nanomq_connections_closed");
    for (String[] bad :
        new String[][] {
          {"--metrics-url", "ftp://h/metrics"},
          {"--metrics-url", "http://user:pw@h/metrics"},
          {"--metrics-url", "http://h/m", "--metrics-format", "mosquitto"},
          {"--metrics-url", "http://h/m", "--metrics-format", "emqx", "--metrics-messages", "x"},
          {"--metrics-url", "http://h/m", "--metrics-messages", "not a name"},
          {"--metrics-connections", "x"}
        }) {
      String[] args =
          java.util.stream.Stream.concat(
                  java.util.stream.Stream.of(
                      "--endpoint",
                      "mqtt=127.0.0.1:1883",
                      "--dispatcher",
                      "127.0.0.1:7883",
                      "--secret-file",
                      secret().toString()),
                  java.util.Arrays.stream(bad))
              .toArray(String[]::new);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(args))
          .as(String.join(" ", bad))
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--metrics-");
    }
  }

  private ProbeOptions parse(String... args) {
    return ProbeOptions.parse(args);
  }

  private record Result(int exit, String err) {}

  private Result run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = ProbeMain.commandLine();
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, err.toString());
  }

  private Path secret() throws IOException {
    Path f = dir.resolve("secret");
    Files.writeString(f, "top-secret\n");
    return f;
  }
}

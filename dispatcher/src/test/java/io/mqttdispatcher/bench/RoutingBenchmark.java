package io.mqttdispatcher.bench;

import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.listener.DevicePipelines;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What routing rules and the device table add to one CONNECT to CONNACK exchange on an in-memory
 * channel: no routing file, rules on client id prefixes, a hash over groups, and rules that need
 * the user name and user properties. Run as described in docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RoutingBenchmark {
  /** MQTT v5 CONNECT, Clean Start, keep alive 60, client id "t2-dev1". */
  private static final byte[] CONNECT =
      HexFormat.of().parseHex("101400044d5154540502003c00000774322d64657631");

  private static final Map<String, String> RULES =
      Map.of(
          "prefix",
              """
          rules:
            - {match: {clientId: {prefix: "t1-"}}, group: g1}
            - {match: {clientId: {prefix: "t2-"}}, group: g2}
          """,
          "hash", "rules:\n  - hash: [g1, g2, g3, g4]\n",
          "fields",
              """
          rules:
            - {match: {username: {prefix: "eu-"}}, group: g1}
            - {match: {userProperties: {tenant: acme}}, group: g3}
            - {match: {clientId: {regex: "t2-.*"}}, group: g2}
          """);

  /** {@code none}: no routing file; otherwise a key of {@link #RULES}. */
  @Param({"none", "prefix", "hash", "fields"})
  String routing;

  @Param({"0", "100000"})
  int deviceTable;

  private BrokerRegistry registry;
  private BrokerPolicy policy;
  private DispatcherMetrics metrics;
  private Routing rules;
  private DeviceTable devices;
  private Path dir;

  @Setup
  public void setup() throws Exception {
    policy = PolicyName.LEAST_LOAD.create(Duration.ofSeconds(5));
    registry = new BrokerRegistry(Duration.ofSeconds(5), Duration.ofHours(1));
    for (int i = 0; i < 16; i++) {
      Object owner = new Object();
      registry.attach("broker-" + i, owner);
      registry.report(
          "broker-" + i,
          owner,
          new ProbeMessage.Report(
              0,
              0.1 + 0.05 * i,
              0.3,
              OptionalLong.of(1000),
              OptionalDouble.empty(),
              true,
              1,
              Map.of(Transport.MQTT, "10.0.0." + i + ":1883"),
              null,
              new BrokerGroup("g" + (i % 4 + 1), false)),
          System.nanoTime());
    }
    metrics = new DispatcherMetrics("0x9c");
    if (!routing.equals("none")) {
      dir = Files.createTempDirectory("routing-bench");
      Path file = dir.resolve("routes.yaml");
      Files.writeString(file, RULES.get(routing));
      rules = Routing.start(file, Duration.ofHours(1));
    }
    devices = deviceTable > 0 ? new DeviceTable(deviceTable) : null;
  }

  @TearDown
  public void tearDown() throws Exception {
    if (rules != null) {
      rules.close();
      Files.deleteIfExists(dir.resolve("routes.yaml"));
      Files.deleteIfExists(dir);
    }
  }

  @Benchmark
  public Object connect_to_connack() {
    EmbeddedChannel ch =
        DevicePipelines.embedded(
            registry, policy, RedirectCode.USE_ANOTHER_SERVER, metrics, rules, devices);
    ch.writeInbound(Unpooled.wrappedBuffer(CONNECT));
    ByteBuf out = ch.readOutbound();
    int code = out.getByte(3);
    out.release();
    if (code != (byte) 0x9C) {
      throw new IllegalStateException("expected a redirect, got reason code " + code);
    }
    return code;
  }
}

package io.mqttdispatcher.bench;

import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.listener.DevicePipelines;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java side of one redirect: choosing a broker, and the whole CONNECT to CONNACK exchange on an
 * in-memory channel (decode, choose, encode; no sockets). Run as described in docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RedirectBenchmark {
  /** MQTT v5 CONNECT, Clean Start, keep alive 60, client id "dev1". */
  private static final byte[] CONNECT =
      HexFormat.of().parseHex("101100044d5154540502003c00000464657631");

  @Param({"2", "16", "64"})
  int brokers;

  @Param({"least-load", "least-cpu"})
  String policy;

  private List<BrokerView> usable;
  private BrokerPolicy chooser;
  private final ConnectFacts clean = new ConnectFacts("dev1", Transport.MQTT, true, 0);
  private final ConnectFacts session = new ConnectFacts("dev1", Transport.MQTT, false, 3600);
  private BrokerRegistry registry;
  private DispatcherMetrics metrics;

  @Setup
  public void setup() {
    chooser = PolicyName.parse(policy).create(Duration.ofSeconds(5));
    registry = new BrokerRegistry(Duration.ofSeconds(5), Duration.ofHours(1));
    for (int i = 0; i < brokers; i++) {
      Object owner = new Object();
      registry.attach("broker-" + i, owner);
      registry.report(
          "broker-" + i,
          owner,
          new ProbeMessage.Report(
              0,
              0.1 + 0.8 * i / brokers,
              0.3,
              OptionalLong.of(1000),
              OptionalDouble.empty(),
              true,
              1,
              Map.of(Transport.MQTT, "10.0.0." + i + ":1883")),
          System.nanoTime());
    }
    usable = registry.snapshot().usable(Transport.MQTT, System.nanoTime());
    metrics = new DispatcherMetrics("0x9c");
  }

  @Benchmark
  public BrokerView choose_clean_device() {
    return chooser.choose(usable, clean, System.nanoTime());
  }

  @Benchmark
  public BrokerView choose_session_device() {
    return chooser.choose(usable, session, System.nanoTime());
  }

  @Benchmark
  public Object connect_to_connack() {
    EmbeddedChannel ch =
        DevicePipelines.embedded(registry, chooser, RedirectCode.USE_ANOTHER_SERVER, metrics);
    ch.writeInbound(Unpooled.wrappedBuffer(CONNECT));
    ByteBuf out = ch.readOutbound();
    int code = out.getByte(3);
    out.release();
    return code;
  }
}

package io.mqttdispatcher.dispatcher.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.dispatcher.config.RedirectCode;
import io.mqttdispatcher.dispatcher.decision.RejectCause;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.LeastCpuPolicy;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The device pipeline on an {@link EmbeddedChannel}: literal bytes in, literal bytes out. */
class ConnectHandlerTest {
  private static final HexFormat HEX = HexFormat.of();

  /** MQTT v5 CONNECT, Clean Start, keep alive 60, no properties, client id "dev1". */
  private static final String CONNECT_V5 =
      "10 11" // CONNECT, remaining length 17
          + " 0004 4d515454" // protocol name "MQTT"
          + " 05" // protocol level 5
          + " 02" // flags: Clean Start
          + " 003c" // keep alive 60
          + " 00" // properties: none
          + " 0004 64657631"; // client id "dev1"

  /** MQTT 3.1.1 CONNECT, clean session, keep alive 60, client id "dev1". */
  private static final String CONNECT_V311 =
      "10 10" // CONNECT, remaining length 16
          + " 0004 4d515454" // "MQTT"
          + " 04" // protocol level 4
          + " 02" // clean session
          + " 003c" // keep alive 60
          + " 0004 64657631"; // client id "dev1"

  private final BrokerRegistry registry =
      new BrokerRegistry(
          Duration.ofSeconds(5),
          Duration.ofMinutes(10)); // fresh for a whole test on a slow machine
  private final DispatcherMetrics metrics = new DispatcherMetrics("0x9c");

  private EmbeddedChannel channel(RedirectCode code, int maxConnectSize, Duration timeout) {
    ConnectService service =
        DevicePipelines.service(registry, new LeastCpuPolicy(), code, metrics, timeout, 100);
    return new EmbeddedChannel(new DeviceChannelInitializer(service, maxConnectSize));
  }

  private EmbeddedChannel channel() {
    return channel(RedirectCode.USE_ANOTHER_SERVER, 65536, Duration.ofSeconds(5));
  }

  private void broker(String id, double cpu, String endpoint) {
    Object owner = new Object();
    registry.attach(id, owner);
    registry.report(
        id,
        owner,
        new ProbeMessage.Report(
            0,
            cpu,
            0.1,
            OptionalLong.empty(),
            OptionalDouble.empty(),
            true,
            1,
            Map.of(Transport.MQTT, endpoint)),
        System.nanoTime());
  }

  private static ByteBuf bytes(String hex) {
    return Unpooled.wrappedBuffer(HEX.parseHex(hex.replace(" ", "")));
  }

  private static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(ByteBufUtil.hexDump(b));
      b.release();
    }
    return sb.toString();
  }

  private static String utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return String.format(Locale.ROOT, "%04x", b.length) + HEX.formatHex(b);
  }

  @ParameterizedTest
  @EnumSource(RedirectCode.class)
  void connect_v5_is_redirected_with_server_reference_and_reason_string(RedirectCode code) {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel(code, 65536, Duration.ofSeconds(5));

    ch.writeInbound(bytes(CONNECT_V5));

    String serverReference = "1c" + utf8("127.0.0.1:1884");
    String reasonString = "1f" + utf8("use broker b1");
    String props = serverReference + reasonString;
    String expected =
        "20"
            + String.format(
                Locale.ROOT, "%02x", 3 + props.length() / 2) // CONNACK, remaining length
            + "00" // session present: 0
            + String.format(Locale.ROOT, "%02x", code.code().byteValue() & 0xFF) // 0x9C or 0x9D
            + String.format(Locale.ROOT, "%02x", props.length() / 2) // properties length
            + props;
    assertThat(written(ch)).isEqualTo(expected);
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.redirectCount("b1")).isEqualTo(1);
  }

  @Test
  void reason_string_is_left_out_when_the_device_allows_only_small_packets() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel();
    String connect =
        "10 16" // CONNECT, remaining length 22
            + " 0004 4d515454 05 02 003c" // "MQTT", level 5, Clean Start, keep alive 60
            + " 05 27 0000001e" // properties: Maximum Packet Size 30
            + " 0004 64657631"; // client id "dev1"

    ch.writeInbound(bytes(connect));

    String props = "1c" + utf8("127.0.0.1:1884"); // Server Reference only
    String expected =
        "20"
            + String.format(Locale.ROOT, "%02x", 3 + props.length() / 2)
            + "00"
            + "9c"
            + String.format(Locale.ROOT, "%02x", props.length() / 2)
            + props;
    assertThat(written(ch)).isEqualTo(expected);
    assertThat(expected.length() / 2).isLessThanOrEqualTo(30);
  }

  @Test
  void reason_string_is_kept_when_it_fits_the_devices_maximum_packet_size() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel();
    String connect =
        "10 16 0004 4d515454 05 02 003c"
            + " 05 27 00000026" // Maximum Packet Size 38: exactly the CONNACK with its Reason
            // String
            + " 0004 64657631";

    ch.writeInbound(bytes(connect));

    assertThat(written(ch)).hasSize(38 * 2).contains("1f" + utf8("use broker b1"));
  }

  @Test
  void connect_v5_goes_to_the_broker_with_lower_cpu() {
    broker("busy", 0.9, "10.0.0.1:1883");
    broker("idle", 0.1, "10.0.0.2:1883");
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes(CONNECT_V5));

    assertThat(written(ch))
        .contains(HEX.formatHex("10.0.0.2:1883".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void connect_v5_without_usable_broker_gets_server_unavailable() {
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes(CONNECT_V5));

    String reason = "1f" + utf8("no broker available");
    assertThat(written(ch))
        .isEqualTo(
            "20"
                + String.format(Locale.ROOT, "%02x", 3 + reason.length() / 2)
                + "00"
                + "88"
                + String.format(Locale.ROOT, "%02x", reason.length() / 2)
                + reason);
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.NO_BROKER)).isEqualTo(1);
  }

  @Test
  void connect_v311_gets_return_code_3_without_properties() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes(CONNECT_V311));

    assertThat(written(ch))
        .isEqualTo("20" + "02" + "00" + "03"); // CONNACK, length 2, no session, 0x03
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.MQTT3)).isEqualTo(1);
  }

  @Test
  void first_packet_not_connect_closes_without_answer() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes("c0 00")); // PINGREQ

    assertThat(written(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.NOT_CONNECT)).isEqualTo(1);
  }

  @Test
  void garbage_first_packet_closes_without_answer() {
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes("00 ff ff ff ff 7f")); // packet type 0 is reserved

    assertThat(written(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.MALFORMED)).isEqualTo(1);
  }

  @Test
  void decode_remaining_length_of_five_bytes_closes() {
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes("10 ff ff ff ff 7f"));

    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void malformed_v5_connect_gets_0x81() {
    EmbeddedChannel ch = channel();
    String bad =
        "10 13" // CONNECT, remaining length 19
            + " 0004 4d515454 05 02 003c" // "MQTT", level 5, Clean Start, keep alive 60
            + " 02 ff00" // properties: 2 bytes, property id 0xFF does not exist
            + " 0004 64657631"; // client id "dev1"

    ch.writeInbound(bytes(bad));

    String reason = "1f" + utf8("malformed CONNECT");
    assertThat(written(ch))
        .isEqualTo(
            "20"
                + String.format(Locale.ROOT, "%02x", 3 + reason.length() / 2)
                + "00"
                + "81"
                + String.format(Locale.ROOT, "%02x", reason.length() / 2)
                + reason);
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.MALFORMED)).isEqualTo(1);
  }

  @Test
  void malformed_v311_connect_closes_without_answer() {
    EmbeddedChannel ch = channel();
    String bad =
        "10 10 0004 4d515454 04" // "MQTT", level 4
            + " 03" // flags: reserved bit set, which 3.1.1 forbids
            + " 003c 0004 64657631";

    ch.writeInbound(bytes(bad));

    assertThat(written(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void connect_claiming_the_largest_remaining_length_is_refused_before_it_arrives() {
    EmbeddedChannel ch = channel();
    // Remaining length 268,435,455 (the maximum); only the variable header follows.
    ch.writeInbound(bytes("10 ffffff7f 0004 4d515454 05 02 003c 00"));

    assertThat(written(ch)).startsWith("20").contains("0095");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void oversized_v5_connect_gets_0x95() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel(RedirectCode.USE_ANOTHER_SERVER, 64, Duration.ofSeconds(5));
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    byte[] clientId = new byte[100];
    java.util.Arrays.fill(clientId, (byte) 'x');
    int remaining = 10 + 2 + clientId.length;
    packet.writeBytes(
        HEX.parseHex(
            "10" + String.format(Locale.ROOT, "%02x", remaining) + "00044d51545405020" + "03c00"));
    packet.writeBytes(HEX.parseHex(String.format(Locale.ROOT, "%04x", clientId.length)));
    packet.writeBytes(clientId);

    ch.writeInbound(Unpooled.wrappedBuffer(packet.toByteArray()));

    assertThat(written(ch)).startsWith("20").contains("0095");
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void no_connect_within_timeout_closes() throws Exception {
    EmbeddedChannel ch = channel(RedirectCode.USE_ANOTHER_SERVER, 65536, Duration.ofMillis(50));

    ch.writeInbound(bytes("10")); // a first byte, then silence
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS); // the channel's clock, not the wall's
    ch.runPendingTasks();
    ch.runScheduledPendingTasks();

    assertThat(ch.isOpen()).isFalse();
    assertThat(written(ch)).isEmpty();
    assertThat(metrics.rejectCount(RejectCause.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void connections_beyond_max_pending_are_closed_at_once_and_places_are_given_back() {
    ConnectService service =
        DevicePipelines.service(
            registry,
            new LeastCpuPolicy(),
            RedirectCode.USE_ANOTHER_SERVER,
            metrics,
            Duration.ofSeconds(5),
            2);
    EmbeddedChannel first = new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));
    EmbeddedChannel second = new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));
    EmbeddedChannel third = new EmbeddedChannel(new DeviceChannelInitializer(service, 65536));

    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(third.isOpen()).isFalse();
    assertThat(metrics.rejectCount(RejectCause.OVERLOAD)).isEqualTo(1);

    first.close();
    assertThat(service.pending()).isEqualTo(1);
    assertThat(new EmbeddedChannel(new DeviceChannelInitializer(service, 65536)).isOpen()).isTrue();
  }

  @Test
  void bytes_after_the_connect_are_discarded() {
    broker("b1", 0.2, "127.0.0.1:1884");
    EmbeddedChannel ch = channel();

    ch.writeInbound(bytes(CONNECT_V5 + " c000 c000")); // CONNECT then two PINGREQs in one read

    assertThat(written(ch)).startsWith("20").contains("9c");
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.redirectCount("b1")).isEqualTo(1);
  }
}

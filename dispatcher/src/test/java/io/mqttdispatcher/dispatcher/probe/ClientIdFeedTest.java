package io.mqttdispatcher.dispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ClientIdFeedTest {
  @Test
  void ids_go_only_to_opened_brokers_in_lines_within_the_limits() {
    ClientIdFeed feed = new ClientIdFeed(10_000);
    feed.open("a");
    for (int i = 0; i < 1200; i++) {
      feed.sent("a", "sensor-" + i, i % 100 == 0);
    }
    feed.sent("b", "elsewhere", false); // no v2 probe for b: nothing kept
    feed.sent("a", "", false); // the broker assigns this one's id
    feed.sent("a", "x".repeat(ProbeMessage.MAX_CLIENT_ID + 1), false);

    List<ProbeMessage.Clients> lines = feed.drain("a");

    assertThat(lines.stream().mapToInt(l -> l.ids().size() + l.sessions().size()).sum())
        .isEqualTo(1200);
    assertThat(lines.stream().mapToInt(l -> l.sessions().size()).sum()).isEqualTo(12);
    for (ProbeMessage.Clients l : lines) {
      assertThat(l.ids().size() + l.sessions().size())
          .isLessThanOrEqualTo(ProbeMessage.MAX_CLIENTS_PER_LINE);
      assertThat(ProbeCodec.encode(l).getBytes(StandardCharsets.UTF_8).length)
          .isLessThan(ProbeMessage.MAX_LINE_BYTES);
    }
    assertThat(feed.drain("a")).isEmpty();
    assertThat(feed.drain("b")).isEmpty();
  }

  @Test
  void a_full_buffer_drops_and_counts_instead_of_growing() {
    ClientIdFeed feed = new ClientIdFeed(100);
    feed.open("a");
    for (int i = 0; i < 150; i++) {
      feed.sent("a", "d" + i, false);
    }

    assertThat(feed.dropped()).isEqualTo(50);
    assertThat(feed.drain("a").stream().mapToInt(l -> l.ids().size()).sum()).isEqualTo(100);
    feed.sent("a", "after", false);
    assertThat(feed.drain("a").get(0).ids()).containsExactly("after");
  }

  @Test
  void long_ids_are_cut_into_lines_below_the_line_limit() {
    ClientIdFeed feed = new ClientIdFeed(10_000);
    feed.open("a");
    for (int i = 0; i < 400; i++) {
      feed.sent("a", String.format(Locale.ROOT, "%0256d", i), false);
    }

    List<ProbeMessage.Clients> lines = feed.drain("a");

    assertThat(lines).hasSizeGreaterThan(1);
    lines.forEach(
        l -> assertThat(ProbeCodec.encode(l).length()).isLessThan(ProbeMessage.MAX_LINE_BYTES));
  }

  @Test
  void utf8_bound_is_the_utf8_length_or_a_little_more_for_surrogate_pairs() {
    for (String id : List.of("", "sensor-1", "ü-é", "€uro", "日本語", "a\u007f\u0080\u07ff\u0800")) {
      assertThat(ClientIdFeed.utf8Bound(id))
          .as(id)
          .isEqualTo(id.getBytes(StandardCharsets.UTF_8).length);
    }
    String emoji = "\uD83D\uDE00"; // 4 bytes in UTF-8
    assertThat(ClientIdFeed.utf8Bound(emoji)).isBetween(4, 6);
  }

  @Test
  void non_ascii_ids_are_cut_into_lines_below_the_line_limit() {
    ClientIdFeed feed = new ClientIdFeed(10_000);
    feed.open("a");
    for (int i = 0; i < 400; i++) {
      feed.sent("a", "日".repeat(250) + String.format(Locale.ROOT, "%06d", i), false);
    }

    List<ProbeMessage.Clients> lines = feed.drain("a");

    assertThat(lines).hasSizeGreaterThan(1);
    lines.forEach(
        l ->
            assertThat(ProbeCodec.encode(l).getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(ProbeMessage.MAX_LINE_BYTES));
  }
}

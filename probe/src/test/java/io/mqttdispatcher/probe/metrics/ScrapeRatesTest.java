package io.mqttdispatcher.probe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrapeRatesTest {
  private static final long S = 1_000_000_000L;
  private static final MetricNames NAMES = MetricNames.custom("conn", "msgs");

  private final ScrapeRates rates = new ScrapeRates(3 * S);

  private static Exposition scrape(String body) throws Exception {
    return PrometheusText.parse(body.getBytes(StandardCharsets.UTF_8), MetricNames.wanted(NAMES));
  }

  @Test
  void a_rate_is_the_counter_increase_over_the_time_between_two_scrapes() throws Exception {
    rates.scraped(NAMES, scrape("conn 5\nmsgs 100\n"), 10 * S);
    assertThat(rates.connections()).hasValue(5);
    assertThat(rates.rate()).as("one scrape is a baseline, not a rate").isEmpty();
    rates.scraped(NAMES, scrape("conn 6\nmsgs 400\n"), 12 * S);
    assertThat(rates.connections()).hasValue(6);
    assertThat(rates.rate()).hasValue(150.0);
  }

  @Test
  void a_counter_that_went_down_is_a_restart_and_gives_no_rate_until_the_next_scrape()
      throws Exception {
    rates.scraped(NAMES, scrape("msgs 1000\n"), 1 * S);
    rates.scraped(NAMES, scrape("msgs 1100\n"), 2 * S);
    rates.scraped(NAMES, scrape("msgs 30\n"), 3 * S);
    assertThat(rates.rate()).isEmpty();
    rates.scraped(NAMES, scrape("msgs 80\n"), 4 * S);
    assertThat(rates.rate()).hasValue(50.0);
  }

  @Test
  void a_failed_scrape_or_a_long_gap_starts_a_new_baseline() throws Exception {
    rates.scraped(NAMES, scrape("conn 1\nmsgs 0\n"), 1 * S);
    rates.failed();
    assertThat(rates.connections()).isEmpty();
    assertThat(rates.rate()).isEmpty();
    rates.scraped(NAMES, scrape("conn 1\nmsgs 500\n"), 3 * S);
    assertThat(rates.rate()).as("not 500 over the 2 s that include the failure").isEmpty();
    rates.scraped(NAMES, scrape("conn 1\nmsgs 900\n"), 10 * S);
    assertThat(rates.rate()).as("7 s apart, more than the longest gap").isEmpty();
    rates.scraped(NAMES, scrape("conn 1\nmsgs 910\n"), 11 * S);
    assertThat(rates.rate()).hasValue(10.0);
  }

  @Test
  void a_counter_missing_or_unusable_in_one_scrape_gives_no_rate_across_it() throws Exception {
    rates.scraped(NAMES, scrape("msgs 10\n"), 1 * S);
    rates.scraped(NAMES, scrape("msgs{a=\"1\"} NaN\n"), 2 * S);
    assertThat(rates.rate()).isEmpty();
    rates.scraped(NAMES, scrape("msgs 50\n"), 3 * S);
    assertThat(rates.rate()).isEmpty();
  }

  @Test
  void hivemq_prefers_the_publish_counter_and_never_mixes_it_with_the_all_packets_one()
      throws Exception {
    MetricNames h = MetricNames.HIVEMQ;
    rates.scraped(
        h,
        PrometheusText.parse(
            "com_hivemq_messages_incoming_total_count 1000\n".getBytes(StandardCharsets.UTF_8),
            MetricNames.wanted(null)),
        1 * S);
    rates.scraped(
        h,
        PrometheusText.parse(
            ("com_hivemq_messages_incoming_total_count 1100\n"
                    + "com_hivemq_messages_incoming_publish_count 40\n")
                .getBytes(StandardCharsets.UTF_8),
            MetricNames.wanted(null)),
        2 * S);
    assertThat(rates.rate()).as("another counter: a baseline").isEmpty();
  }

  @Test
  void vernemq_connections_are_sockets_opened_minus_closed_over_every_series() throws Exception {
    Exposition e =
        PrometheusText.parse(
            ("socket_open{node=\"VerneMQ@n1\"} 120\nsocket_close{node=\"VerneMQ@n1\"} 20\n"
                    + "mqtt_publish_received{node=\"VerneMQ@n1\",mqtt_version=\"4\"} 7\n"
                    + "mqtt_publish_received{node=\"VerneMQ@n1\",mqtt_version=\"5\"} 3\n")
                .getBytes(StandardCharsets.UTF_8),
            MetricNames.wanted(null));
    assertThat(MetricNames.recognise(e)).contains(MetricNames.VERNEMQ);
    rates.scraped(MetricNames.VERNEMQ, e, S);
    assertThat(rates.connections()).hasValue(100);
  }
}

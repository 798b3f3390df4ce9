package io.mqttdispatcher.probe.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrometheusTextTest {
  private static final Set<String> WANTED = Set.of("conn", "msgs");

  private static Exposition parse(String body) throws Exception {
    return PrometheusText.parse(body.getBytes(StandardCharsets.UTF_8), WANTED);
  }

  @Test
  void sums_a_name_over_its_series_and_ignores_other_names() throws Exception {
    Exposition e =
        parse(
            """
            # HELP msgs The number of PUBLISH packets received.
            # TYPE msgs counter
            msgs{node="a",mqtt_version="4"} 10
            msgs{node="a",mqtt_version="5"} 2.5e1 1700000000000
            other{x="1"} 99
            conn 7
            """);
    assertThat(e.total("msgs")).hasValue(35.0);
    assertThat(e.total("conn")).hasValue(7.0);
    assertThat(e.present("other")).isFalse();
    assertThat(e.unusable()).isEmpty();
  }

  @Test
  void label_values_may_hold_braces_commas_quotes_and_crlf_line_ends() throws Exception {
    Exposition e = parse("msgs{a=\"x}, y\",b=\"q\\\"}\"} 4\r\nmsgs{b=\"q\\\"}\",a=\"z\"} 1\r\n");
    assertThat(e.total("msgs")).hasValue(5.0);
  }

  @Test
  void the_same_series_twice_makes_the_name_unusable_whatever_the_label_order() throws Exception {
    Exposition e = parse("msgs{a=\"1\",b=\"2\"} 4\nmsgs{b=\"2\",a=\"1\"} 5\nconn 3\n");
    assertThat(e.total("msgs")).isEmpty();
    assertThat(e.present("msgs")).isTrue();
    assertThat(e.unusable().get("msgs")).contains("twice");
    assertThat(e.total("conn")).hasValue(3.0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "+Inf", "-Inf", "-1"})
  void nan_infinite_or_negative_values_make_the_name_unusable(String value) throws Exception {
    Exposition e = parse("conn{n=\"1\"} 2\nconn{n=\"2\"} " + value + "\n");
    assertThat(e.total("conn")).isEmpty();
    assertThat(e.present("conn")).isTrue();
  }

  @Test
  void more_series_than_the_limit_make_the_name_unusable() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i <= PrometheusText.MAX_SERIES; i++) {
      b.append("msgs{i=\"").append(i).append("\"} 1\n");
    }
    assertThat(parse(b.toString()).unusable()).containsKey("msgs");
  }

  @Test
  void a_body_cut_off_mid_line_is_rejected_whole() {
    // "conn 1234" cut after "12" would read 12: the missing newline gives it away.
    assertThatThrownBy(() -> parse("msgs 5\nconn 12"))
        .isInstanceOf(PrometheusText.MalformedExpositionException.class)
        .hasMessageContaining("newline");
  }

  @Test
  void binary_is_rejected_whole() {
    byte[] binary = {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe, '\n'};
    assertThatThrownBy(() -> PrometheusText.parse(binary, WANTED))
        .isInstanceOf(PrometheusText.MalformedExpositionException.class)
        .hasMessageContaining("UTF-8");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "conn 0x1A\n",
        "conn Infinity\n",
        "conn 1d\n",
        "conn\n",
        "conn 1 2 3\n",
        "conn{a=\"1\" 2\n",
        "conn{a=1} 2\n",
        "<html>oops</html>\n",
        "conn 1 notatime\n"
      })
  void lines_that_are_not_the_format_reject_the_body(String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(PrometheusText.MalformedExpositionException.class);
  }

  @Test
  void an_empty_body_has_no_names() throws Exception {
    assertThat(parse("").sums()).isEmpty();
  }
}

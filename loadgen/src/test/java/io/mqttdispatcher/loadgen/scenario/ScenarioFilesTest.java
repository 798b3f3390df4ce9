package io.mqttdispatcher.loadgen.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioFilesTest {

  @Test
  void parses_yaml_with_every_field() {
    Scenario s =
        ScenarioFiles.parse(
            """
        name: two-groups
        spacing: 5s
        order: fixed
        groups:
          - {name: normal, count: 9, rate: 2000, payloadBytes: 600, qos: 1, duration: 100s}
          - {name: heavy, count: 1, rate: 10000, payloadBytes: 600, duration: 1m}
        """,
            "ignored");

    assertThat(s.name()).isEqualTo("two-groups");
    assertThat(s.order()).isEqualTo(ArrivalOrder.FIXED);
    assertThat(s.spacing()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.groups())
        .containsExactly(
            new PublisherGroup("normal", 9, 2000, 600, 1, Duration.ofSeconds(100)),
            new PublisherGroup("heavy", 1, 10000, 600, 0, Duration.ofMinutes(1)));
  }

  @Test
  void parses_json_and_defaults_the_name_and_order() {
    Scenario s =
        ScenarioFiles.parse(
            """
        {"spacing": "500ms", "groups": [{"count": 2, "rate": 10, "payloadBytes": 0, "duration": "2s"}]}
        """,
            "from-file");

    assertThat(s.name()).isEqualTo("from-file");
    assertThat(s.order()).isEqualTo(ArrivalOrder.RANDOM);
    assertThat(s.publisherCount()).isEqualTo(2);
  }

  @Test
  void rejects_a_misspelt_field_naming_it() {
    assertThatThrownBy(
            () ->
                ScenarioFiles.parse(
                    """
        spacing: 1s
        groups: [{count: 1, rate: 10, payloadbytes: 600, duration: 1s}]
        """,
                    "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 1: unknown field 'payloadbytes'");
  }

  @Test
  void rejects_out_of_range_values() {
    assertThatThrownBy(
            () ->
                ScenarioFiles.parse(
                    "spacing: 1s\ngroups: [{count: 1, rate: 10, payloadBytes: 1, qos: 3, duration: 1s}]",
                    "x"))
        .hasMessageContaining("qos must be 0, 1 or 2");
    assertThatThrownBy(
            () ->
                ScenarioFiles.parse(
                    "spacing: soon\ngroups: [{count: 1, rate: 10, payloadBytes: 1, duration: 1s}]",
                    "x"))
        .hasMessageContaining("'spacing'");
  }

  @Test
  void resolves_presets_and_refuses_an_unknown_name() {
    assertThat(ScenarioFiles.resolve("paper").publisherCount()).isEqualTo(10);
    assertThatThrownBy(() -> ScenarioFiles.resolve("no-such-scenario"))
        .hasMessageContaining("neither a preset (paper, smoke) nor a readable file");
  }

  @Test
  void smoke_keeps_the_paper_shape_and_fits_in_thirty_seconds_per_strategy() {
    Scenario paper = Presets.paper();
    Scenario smoke = Presets.smoke();

    assertThat(smoke.groups().get(1).rate() / smoke.groups().get(0).rate())
        .isEqualTo(paper.groups().get(1).rate() / paper.groups().get(0).rate());
    assertThat(smoke.groups().get(1).count()).isEqualTo(1);
    assertThat(smoke.groups().get(0).payloadBytes())
        .isEqualTo(paper.groups().get(0).payloadBytes());
    // every publisher is still sending when the last one arrives, as in the paper
    assertThat(smoke.spacing().multipliedBy(smoke.publisherCount() - 1L))
        .isLessThan(smoke.groups().get(0).duration());
    assertThat(smoke.length()).isLessThan(Duration.ofSeconds(30));
    assertThat(paper.length()).isEqualTo(Duration.ofSeconds(145));
  }

  @Test
  void sending_longer_adds_the_time_to_every_group_and_to_the_length() {
    Scenario smoke = Presets.smoke();

    Scenario held = smoke.sendingLonger(Duration.ofSeconds(60));

    assertThat(held.groups())
        .allSatisfy(g -> assertThat(g.duration()).isEqualTo(Duration.ofSeconds(75)));
    assertThat(held.length()).isEqualTo(smoke.length().plusSeconds(60));
    assertThat(smoke.sendingLonger(Duration.ZERO)).isSameAs(smoke);
    assertThatThrownBy(() -> smoke.sendingLonger(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
  }
}

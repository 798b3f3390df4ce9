package io.mqttdispatcher.dispatcher.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.protocol.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routing file format: what it accepts, and errors that name the line. */
class RoutingFileTest {

  static RoutingTable parse(String yaml) throws RoutingFileException {
    return RoutingFile.parse("routes.yaml", yaml);
  }

  @Test
  void every_field_is_read() throws Exception {
    RoutingTable t =
        parse(
            """
        refuse: server-unavailable
        rules:
          - name: tenant-a
            match:
              clientId: {prefix: "a-"}
              username: {regex: "eu-[0-9]+"}
              transport: [mqtts, wss]
              source: [10.0.0.0/8, "2001:db8::/32"]
              userProperties:
                tier: gold
                region: {prefix: eu}
            group: tenant-a
          - hash: [g1, g2]
          - name: everyone
            hash: all
        """);

    assertThat(t.rules()).hasSize(3);
    Rule a = t.rules().get(0);
    assertThat(a.name()).isEqualTo("tenant-a");
    assertThat(a.line()).isEqualTo(3);
    assertThat(a.group()).isEqualTo("tenant-a");
    assertThat(a.conditions().clientId()).isEqualTo(new TextMatch.Prefix("a-"));
    assertThat(a.conditions().username()).isInstanceOf(TextMatch.Regex.class);
    assertThat(a.conditions().transports())
        .containsExactlyInAnyOrder(Transport.MQTTS, Transport.WSS);
    assertThat(a.conditions().sources())
        .extracting(Cidr::toString)
        .containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(a.conditions().userProperties())
        .containsEntry("tier", new TextMatch.Equals("gold"))
        .containsEntry("region", new TextMatch.Prefix("eu"));
    assertThat(t.rules().get(1).name()).isEqualTo("rule 2");
    assertThat(t.rules().get(1).hashGroups()).containsExactly("g1", "g2");
    assertThat(t.rules().get(2).hashAll()).isTrue();
    assertThat(t.defaultGroup()).isNull();
    assertThat(t.refuse()).isEqualTo(RefuseCode.SERVER_UNAVAILABLE);
    assertThat(t.needsUsername()).isTrue();
    assertThat(t.needsSource()).isTrue();
    assertThat(t.needsUserProperties()).isTrue();
  }

  @Test
  void client_id_rules_alone_need_no_other_field() throws Exception {
    RoutingTable t =
        parse(
            """
        default: shared
        rules:
          - match: {clientId: {prefix: a-}}
            group: a
        """);

    assertThat(t.needsUsername()).isFalse();
    assertThat(t.needsSource()).isFalse();
    assertThat(t.needsUserProperties()).isFalse();
    assertThat(t.defaultGroup()).isEqualTo("shared");
    assertThat(t.refuse()).isEqualTo(RefuseCode.NOT_AUTHORIZED);
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      rules:\\n  - group: a\\n    colour: red                         | 3 | unknown key 'colour' in a rule
      rules:\\n  - match: {clientid: x}\\n    group: a               | 2 | unknown key 'clientid' in 'match'
      rules:\\n  - match: {clientId: {prefix: x}}                    | 2 | needs exactly one of 'group: NAME' or 'hash
      rules:\\n  - group: a\\n    hash: all                           | 2 | needs exactly one of
      rules:\\n  - match:\\n      clientId: {regex: 'a['}\\n    group: a | 3 | regex is not valid
      rules:\\n  - match:\\n      source: 10.0.0.0/33\\n    group: a  | 3 | prefix length out of range
      rules:\\n  - match:\\n      source: example.com\\n    group: a  | 3 | is not a network
      rules:\\n  - match:\\n      transport: [mqtt, quic]\\n    group: a | 3 | 'quic' is not a transport
      rules:\\n  - group: 'bad name'                                  | 2 | is not a group name
      rules:\\n  - hash: []                                           | 2 | 'hash' must be 'all' or a list
      rules:\\n  - hash: [a, a]                                       | 2 | listed twice
      rules:\\n  - {name: x, group: a}\\n  - {name: x, group: b}      | 3 | a rule named 'x' already exists
      default: a\\nrefuse: not-authorized                            | 2 | 'refuse' has no effect
      refuse: go-away\\nrules:\\n  - group: a                        | 1 | 'go-away' is not a refusal
      rules:\\n  - group: a\\n  - group: [b                          | 3 | not valid YAML
      rules:\\n  - group: a\\nrules:\\n  - group: b                  | 3 | key 'rules' appears twice
      rules: {group: a}                                              | 1 | 'rules' must be a list
      rules:\\n  - match:\\n      clientId: {prefix: ''}\\n    group: a | 3 | an empty prefix matches everything
      rules:\\n  - match:\\n      clientId: {prefix: a, regex: b}\\n    group: a | 3 | exactly one of equals, prefix or regex
      rules:\\n  - match:\\n      userProperties: [a]\\n    group: a  | 3 | 'userProperties' must map
      """)
  void mistakes_are_reported_with_their_line(String yaml, int line, String problem) {
    assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n")))
        .isInstanceOf(RoutingFileException.class)
        .hasMessageStartingWith("routes.yaml line " + line + ": ")
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(((RoutingFileException) e).line()).isEqualTo(line));
  }

  @Test
  void a_file_that_would_refuse_everyone_is_refused() {
    assertThatThrownBy(() -> parse("")).hasMessageContaining("is empty");
    assertThatThrownBy(() -> parse("rules: []\n"))
        .hasMessageContaining("no rules and no 'default' group");
  }

  @Test
  void yaml_tags_construct_nothing() {
    assertThatThrownBy(() -> parse("rules:\n  - group: !!javax.script.ScriptEngineManager [x]\n"))
        .isInstanceOf(RoutingFileException.class)
        .hasMessageContaining("line 2");
  }
}

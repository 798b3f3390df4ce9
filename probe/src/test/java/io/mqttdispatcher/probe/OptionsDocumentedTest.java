package io.mqttdispatcher.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttdispatcher.testing.OptionTables;
import org.junit.jupiter.api.Test;

/** {@code probe --help} and the option tables of the docs name the same options and defaults. */
class OptionsDocumentedTest {
  @Test
  void every_option_of_the_help_is_documented_with_its_default_and_no_other() {
    assertThat(OptionTables.differences(ProbeMain.commandLine(), OptionTables.repositoryRoot()))
        .isEmpty();
  }
}

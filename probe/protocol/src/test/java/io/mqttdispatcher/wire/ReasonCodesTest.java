package io.mqttdispatcher.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonCodesTest {
  @Test
  void describes_known_and_unknown_codes() {
    assertThat(ReasonCodes.describe(0x9C)).isEqualTo("0x9C Use another server");
    assertThat(ReasonCodes.describe(0x00)).isEqualTo("0x00 Success");
    assertThat(ReasonCodes.describe(0x42)).isEqualTo("0x42");
  }
}

package io.mqttdispatcher.loadgen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptCountsTest {
  @Test
  void minus_gives_what_happened_in_between_and_drops_causes_that_did_not_grow() {
    AttemptCounts before =
        new AttemptCounts(10, 6, 2, 2, 1, Map.of("connection refused", 1L, "CONNACK 0x88", 1L));
    AttemptCounts after =
        new AttemptCounts(25, 12, 5, 8, 4, Map.of("connection refused", 7L, "CONNACK 0x88", 1L));

    AttemptCounts between = after.minus(before);

    assertThat(between)
        .isEqualTo(new AttemptCounts(15, 6, 3, 6, 3, Map.of("connection refused", 6L)));
  }
}

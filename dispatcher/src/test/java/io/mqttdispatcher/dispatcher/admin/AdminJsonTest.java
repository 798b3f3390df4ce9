package io.mqttdispatcher.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttdispatcher.dispatcher.rebalance.RebalanceRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Request bodies of the admin API. */
class AdminJsonTest {
  @Test
  void request_defaults_are_emqx_defaults_and_bad_fields_are_named() {
    RebalanceRequest r = AdminJson.rebalanceRequest(new JsonObject());

    assertThat(r.rate()).isEqualTo(500);
    assertThat(r.absThreshold()).isEqualTo(1000);
    assertThat(r.relThreshold()).isEqualTo(1.1);
    assertThat(r.waitBeforeEviction()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.includeSessions()).isFalse();
    assertThatThrownBy(() -> AdminJson.rebalanceRequest(new JsonObject().put("rate", 0)))
        .hasMessageContaining("'rate'");
    assertThatThrownBy(() -> AdminJson.rebalanceRequest(new JsonObject().put("relThreshold", 0.5)))
        .hasMessageContaining("'relThreshold'");
    assertThatThrownBy(() -> AdminJson.rebalanceRequest(new JsonObject().put("donors", "a")))
        .hasMessageContaining("'donors'");
  }
}

package io.mqttdispatcher.dispatcher.admin;

import io.mqttdispatcher.dispatcher.rebalance.RebalanceStatus;
import io.mqttdispatcher.protocol.EvictionPlan;
import io.mqttdispatcher.protocol.PlanStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /rebalance} (and the answers to {@code POST} and {@code DELETE /rebalance}): a {@link
 * RebalanceStatus} as JSON, with automatic mode's state when it is on. Field order is part of the
 * answer; clients and the status page read it.
 */
final class RebalanceJson {
  private RebalanceJson() {}

  /** {@code status}, and {@code automatic} under its name when not null. */
  static JsonObject of(RebalanceStatus status, @Nullable JsonObject automatic) {
    JsonObject json = plan(status);
    return automatic == null ? json : json.put("automatic", automatic);
  }

  private static JsonObject plan(RebalanceStatus status) {
    EvictionPlan plan = status.plan();
    if (plan == null) {
      return new JsonObject().put("state", status.state()).put("loads", loads(status));
    }
    JsonArray donors = new JsonArray();
    status.donors().forEach(d -> donors.add(donor(d)));
    return new JsonObject()
        .put("id", plan.id())
        .put("state", status.state())
        .put("rate", plan.rate())
        .put("absThreshold", plan.absThreshold())
        .put("relThreshold", plan.relThreshold())
        .put("waitSeconds", plan.waitMillis() / 1000.0)
        .put("includeSessions", plan.includeSessions())
        .put("maxDevices", plan.maxDevices())
        .put("donors", donors)
        .put("recipients", new JsonArray(plan.recipients()))
        .put("evicted", status.evicted())
        .put("loads", loads(status));
  }

  private static JsonObject donor(RebalanceStatus.Donor donor) {
    JsonObject d = new JsonObject().put("id", donor.id());
    PlanStatus s = donor.reported();
    if (s == null) {
      d.put("state", "failed").put("reason", "its probe is gone or restarted");
    } else {
      d.put("state", s.state().wireName()).put("evicted", s.evicted()).put("skipped", s.skipped());
      if (!s.moved().isEmpty()) {
        d.put("moved", new JsonArray(s.moved()));
      }
      if (!s.reason().isEmpty()) {
        d.put("reason", s.reason());
      }
    }
    donor.connections().ifPresent(c -> d.put("connections", c));
    return d;
  }

  private static JsonObject loads(RebalanceStatus status) {
    JsonObject loads = new JsonObject();
    status.loads().forEach((id, connections) -> loads.put(id, connections));
    return loads;
  }
}

package io.mqttdispatcher.protocol;

import static io.mqttdispatcher.protocol.ProbeCodec.integer;
import static io.mqttdispatcher.protocol.ProbeCodec.number;
import static io.mqttdispatcher.protocol.ProbeCodec.present;
import static io.mqttdispatcher.protocol.ProbeCodec.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol v2 parts of {@link ProbeCodec}: probe state, plans, commands, acks and client ids.
 */
final class V2Codec {
  private V2Codec() {}

  static void encode(ObjectNode node, ProbeMessage message) {
    if (message instanceof ProbeMessage.Command c) {
      node.put("type", "command").put("id", c.id()).put("op", c.op().wireName());
      if (c.plan() != null) {
        node.set("plan", encodePlan(c.plan()));
      }
      if (c.planId() != null) {
        node.put("planId", c.planId());
      }
      if (c.outcome() != null) {
        node.put("outcome", c.outcome().wireName());
      }
    } else if (message instanceof ProbeMessage.Ack a) {
      node.put("type", "ack").put("id", a.id()).put("ok", a.ok());
      if (!a.reason().isEmpty()) {
        node.put("reason", a.reason());
      }
      node.set("state", encodeState(a.state()));
    } else {
      throw new IllegalArgumentException("no encoding for " + message.getClass().getSimpleName());
    }
  }

  /**
   * A {@code clients} line, written straight out rather than built as a tree first: a dispatcher
   * sends one id per redirect, tens of thousands a second.
   */
  static String encodeClients(ProbeMessage.Clients c) {
    StringWriter out = new StringWriter(48 + 16 * (c.ids().size() + c.sessions().size()));
    try (JsonGenerator g = ProbeCodec.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "clients");
      writeStrings(g, "ids", c.ids());
      if (!c.sessions().isEmpty()) {
        writeStrings(g, "sessions", c.sessions());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail: " + e.getMessage(), e);
    }
    return out.toString();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (int i = 0, n = values.size(); i < n; i++) {
      g.writeString(values.get(i));
    }
    g.writeEndArray();
  }

  static ObjectNode encodeState(ProbeState state) {
    ObjectNode node = ProbeCodec.MAPPER.createObjectNode().put("draining", state.draining());
    PlanStatus status = state.plan();
    if (status != null) {
      ObjectNode plan = encodePlan(status.plan());
      plan.put("state", status.state().wireName())
          .put("evicted", status.evicted())
          .put("skipped", status.skipped());
      strings(plan.putArray("remaining"), status.remaining());
      if (!status.reason().isEmpty()) {
        plan.put("reason", status.reason());
      }
      if (!status.moved().isEmpty()) {
        strings(plan.putArray("moved"), status.moved());
      }
      node.set("plan", plan);
    }
    return node;
  }

  private static ObjectNode encodePlan(EvictionPlan p) {
    ObjectNode node =
        ProbeCodec.MAPPER
            .createObjectNode()
            .put("id", p.id())
            .put("kind", p.kind().wireName())
            .put("rate", p.rate())
            .put("wait", p.waitMillis())
            .put("sessions", p.includeSessions())
            .put("abs", p.absThreshold())
            .put("rel", p.relThreshold());
    strings(node.putArray("donors"), p.donors());
    strings(node.putArray("recipients"), p.recipients());
    // Written only when set, so a plan without them reads as before (and as a v2.0 probe sends it).
    if (p.maxDevices() > 0) {
      node.put("max", p.maxDevices());
    }
    if (p.holdMillis() > 0) {
      node.put("hold", p.holdMillis());
    }
    if (p.newestFirst()) {
      node.put("order", "newest");
    }
    if (!p.skip().isEmpty()) {
      strings(node.putArray("skip"), p.skip());
    }
    return node;
  }

  static ProbeState decodeState(JsonNode node) throws ProtocolException {
    if (!node.isObject()) {
      throw new ProtocolException("field 'state' must be an object");
    }
    boolean draining = bool(node, "draining", "state.draining");
    PlanStatus status = null;
    if (present(node, "plan")) {
      JsonNode plan = node.get("plan");
      EvictionPlan p = decodePlan(plan, "state.plan");
      PlanState state =
          PlanState.fromWireName(text(plan, "state"))
              .orElseThrow(
                  () ->
                      new ProtocolException(
                          "field 'state.plan.state' must be one of waiting, evicting, done, stopped, failed"));
      long evicted = nonNegative(plan, "evicted");
      long skipped = present(plan, "skipped") ? nonNegative(plan, "skipped") : 0;
      List<String> remaining =
          present(plan, "remaining")
              ? strings(plan, "remaining", PlanStatus.MAX_REMAINING)
              : List.of();
      String reason = present(plan, "reason") ? text(plan, "reason") : "";
      List<String> moved =
          present(plan, "moved") ? strings(plan, "moved", PlanStatus.MAX_REMAINING) : List.of();
      status = new PlanStatus(state, p, evicted, skipped, remaining, reason, moved);
    }
    return new ProbeState(draining, status);
  }

  private static EvictionPlan decodePlan(JsonNode node, String where) throws ProtocolException {
    if (node == null || !node.isObject()) {
      throw new ProtocolException("field '" + where + "' must be an object");
    }
    PlanKind kind =
        PlanKind.fromWireName(text(node, "kind"))
            .orElseThrow(
                () ->
                    new ProtocolException(
                        "field '" + where + ".kind' must be rebalance or evacuate"));
    long max = present(node, "max") ? nonNegative(node, "max") : 0;
    long hold = present(node, "hold") ? nonNegative(node, "hold") : 0;
    boolean newest = false;
    if (present(node, "order")) {
      String order = text(node, "order");
      if (!order.equals("newest") && !order.equals("oldest")) {
        throw new ProtocolException("field '" + where + ".order' must be newest or oldest");
      }
      newest = order.equals("newest");
    }
    List<String> skip =
        present(node, "skip") ? strings(node, "skip", EvictionPlan.MAX_SKIP) : List.of();
    try {
      return new EvictionPlan(
          text(node, "id"),
          kind,
          number(node, "rate"),
          integer(node, "wait"),
          bool(node, "sessions", where + ".sessions"),
          present(node, "abs") ? number(node, "abs") : 0,
          present(node, "rel") ? number(node, "rel") : 1,
          present(node, "donors") ? strings(node, "donors", EvictionPlan.MAX_BROKERS) : List.of(),
          present(node, "recipients")
              ? strings(node, "recipients", EvictionPlan.MAX_BROKERS)
              : List.of(),
          max,
          hold,
          newest,
          skip);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("field '" + where + "': " + e.getMessage());
    }
  }

  static ProbeMessage.Command decodeCommand(JsonNode node) throws ProtocolException {
    String id = text(node, "id");
    CommandOp op =
        CommandOp.fromWireName(text(node, "op"))
            .orElseThrow(
                () ->
                    new ProtocolException(
                        "field 'op' must be one of drain, undrain, rebalance, evacuate, stop"));
    EvictionPlan plan = present(node, "plan") ? decodePlan(node.get("plan"), "plan") : null;
    String planId = present(node, "planId") ? text(node, "planId") : null;
    PlanState outcome = null;
    if (present(node, "outcome")) {
      outcome =
          PlanState.fromWireName(text(node, "outcome"))
              .orElseThrow(() -> new ProtocolException("field 'outcome' must be done or stopped"));
    }
    try {
      return new ProbeMessage.Command(id, op, plan, planId, outcome);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("command: " + e.getMessage());
    }
  }

  static ProbeMessage.Ack decodeAck(JsonNode node) throws ProtocolException {
    String id = text(node, "id");
    boolean ok = bool(node, "ok", "ok");
    String reason = present(node, "reason") ? text(node, "reason") : "";
    if (!present(node, "state")) {
      throw new ProtocolException("field 'state' must be an object");
    }
    return new ProbeMessage.Ack(id, ok, reason, decodeState(node.get("state")));
  }

  static ProbeMessage.Clients decodeClients(JsonNode node) throws ProtocolException {
    List<String> ids = strings(node, "ids", ProbeMessage.MAX_CLIENTS_PER_LINE);
    List<String> sessions =
        present(node, "sessions")
            ? strings(node, "sessions", ProbeMessage.MAX_CLIENTS_PER_LINE)
            : List.of();
    if (ids.size() + sessions.size() > ProbeMessage.MAX_CLIENTS_PER_LINE) {
      throw new ProtocolException(
          "fields 'ids' and 'sessions' hold at most "
              + ProbeMessage.MAX_CLIENTS_PER_LINE
              + " client ids together");
    }
    for (List<String> list : List.of(ids, sessions)) {
      for (String id : list) {
        if (id.isEmpty() || id.length() > ProbeMessage.MAX_CLIENT_ID) {
          throw new ProtocolException(
              "a client id must be 1 to " + ProbeMessage.MAX_CLIENT_ID + " characters");
        }
      }
    }
    return new ProbeMessage.Clients(ids, sessions);
  }

  private static boolean bool(JsonNode node, String field, String where) throws ProtocolException {
    JsonNode n = node.get(field);
    if (n == null || !n.isBoolean()) {
      throw new ProtocolException("field '" + where + "' must be true or false");
    }
    return n.booleanValue();
  }

  private static long nonNegative(JsonNode node, String field) throws ProtocolException {
    long v = integer(node, field);
    if (v < 0) {
      throw new ProtocolException("field '" + field + "' must not be negative");
    }
    return v;
  }

  private static List<String> strings(JsonNode node, String field, int max)
      throws ProtocolException {
    JsonNode n = node.get(field);
    if (n == null || !n.isArray()) {
      throw new ProtocolException("field '" + field + "' must be an array of strings");
    }
    if (n.size() > max) {
      throw new ProtocolException(
          "field '" + field + "' holds at most " + max + " entries, had " + n.size());
    }
    List<String> result = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new ProtocolException("field '" + field + "' must be an array of strings");
      }
      result.add(e.asText());
    }
    return result;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}

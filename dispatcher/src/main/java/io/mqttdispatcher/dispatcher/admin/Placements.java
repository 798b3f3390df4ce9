package io.mqttdispatcher.dispatcher.admin;

import io.mqttdispatcher.dispatcher.decision.ConnectDecider;
import io.mqttdispatcher.dispatcher.decision.Decision;
import io.mqttdispatcher.dispatcher.decision.RejectCause;
import io.mqttdispatcher.dispatcher.devices.DeviceTable;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerSnapshot;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.dispatcher.routing.Route;
import io.mqttdispatcher.dispatcher.routing.Routing;
import io.mqttdispatcher.dispatcher.routing.RoutingTable;
import io.mqttdispatcher.dispatcher.routing.Rule;
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's answers about groups, routing rules and devices: which brokers each group has,
 * the rules with their hits, where a CONNECT would go and why (a dry run: nothing is counted or
 * recorded), and where a device was sent. Reads snapshots only.
 */
public final class Placements {
  private final BrokerRegistry registry;
  private final @Nullable Routing routing;
  private final @Nullable DeviceTable devices;
  private final Supplier<BrokerPolicy> freshPolicy;

  /**
   * @param freshPolicy makes a new instance of the dispatcher's policy, so that a dry run neither
   *     disturbs nor is disturbed by the live policy's bookkeeping (a session device gets the
   *     hash's answer, as from a replica that never saw it)
   */
  public Placements(
      BrokerRegistry registry,
      @Nullable Routing routing,
      @Nullable DeviceTable devices,
      Supplier<BrokerPolicy> freshPolicy) {
    this.registry = registry;
    this.routing = routing;
    this.devices = devices;
    this.freshPolicy = freshPolicy;
  }

  /** Every group: whether it is a cluster, its brokers and which of them take MQTT devices now. */
  JsonObject groups() {
    long now = System.nanoTime();
    BrokerSnapshot snapshot = registry.snapshot();
    JsonArray list = new JsonArray();
    for (Map.Entry<String, List<BrokerView>> g : snapshot.groups().entrySet()) {
      List<BrokerView> usable = snapshot.usable(g.getKey(), Transport.MQTT, now);
      JsonArray members = new JsonArray();
      for (BrokerView b : g.getValue()) {
        JsonObject endpoints = new JsonObject();
        b.endpoints().forEach((t, e) -> endpoints.put(t.wireName(), e));
        members.add(
            new JsonObject()
                .put("id", b.id())
                .put("usable", usable.contains(b))
                .put("endpoints", endpoints));
      }
      list.add(
          new JsonObject()
              .put("name", g.getKey())
              .put("mode", mode(g.getValue()))
              .put("members", members)
              .put("usable", usable.size()));
    }
    return new JsonObject().put("groups", list).put("routing", routing != null);
  }

  /**
   * The usable brokers of {@code group} for {@code transport}, one per line: endpoint, a tab,
   * broker id. A format a backend reads without a JSON library; null when no broker advertises the
   * group.
   */
  @Nullable String endpoints(String group, Transport transport) {
    BrokerSnapshot snapshot = registry.snapshot();
    if (!snapshot.groups().containsKey(group)) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (BrokerView b : snapshot.usable(group, transport, System.nanoTime())) {
      if (b.id().indexOf('\n') < 0 && b.id().indexOf('\r') < 0) {
        out.append(b.endpoint(transport)).append('\t').append(b.id()).append('\n');
      }
    }
    return out.toString();
  }

  /** The rules in force with their hits, or null without a routing file. */
  @Nullable JsonObject rules() {
    if (routing == null) {
      return null;
    }
    RoutingTable table = routing.table();
    JsonArray rules = new JsonArray();
    for (Rule r : table.rules()) {
      rules.add(
          new JsonObject()
              .put("name", r.name())
              .put("line", r.line())
              .put("match", r.conditions().describe())
              .put("target", r.describeTarget())
              .put("hits", r.hits()));
    }
    return new JsonObject()
        .put("file", routing.file().toString())
        .put("loadedAt", routing.loadedAt().toString())
        .put("lastError", routing.lastError())
        .put("rules", rules)
        .put("default", table.defaultGroup())
        .put("defaultHits", table.defaultHits())
        .put("refuse", table.defaultGroup() == null ? table.refuse().fileName() : null)
        .put("refused", table.refusedCount());
  }

  /**
   * Where a CONNECT with these facts would go now, and why: the rule and group, the broker the
   * policy would pick among the group's usable brokers, or why it would be refused.
   */
  JsonObject dryRun(ConnectFacts facts) {
    long now = System.nanoTime();
    BrokerSnapshot snapshot = registry.snapshot();
    RoutingTable table = routing != null ? routing.table() : RoutingTable.onePool();
    Route route = table.explain(facts, snapshot, now);
    JsonObject out =
        new JsonObject()
            .put("clientId", facts.clientId())
            .put("transport", facts.transport().wireName())
            .put("rule", route.ruleName())
            .put("reason", route.reason());
    if (route.rule() != null) {
      out.put("ruleLine", route.rule().line());
    }
    Decision decision =
        new ConnectDecider(freshPolicy.get()).decide(snapshot, table, route, facts, now);
    if (!route.refused()) {
      List<BrokerView> candidates = ConnectDecider.candidates(snapshot, route, facts, now);
      out.put("group", route.group());
      out.put("candidates", new JsonArray(candidates.stream().map(BrokerView::id).toList()));
      if (decision instanceof Decision.Redirect r) {
        out.put("refused", false)
            .put("broker", r.broker().id())
            .put("endpoint", r.broker().endpoint(facts.transport()));
        if (facts.hasSession()) {
          out.put("session", sessionNote(r.broker(), candidates));
        }
        return out;
      }
    }
    Decision.Refuse refuse = (Decision.Refuse) decision;
    return out.put("refused", true)
        .put("reasonCode", hex(refuse.reasonCode()))
        .put(
            "reason",
            refuse.cause() == RejectCause.NO_ROUTE
                ? route.reason()
                : route.reason() + "; " + refuse.reason());
  }

  /**
   * Where this dispatcher sent {@code clientId}, and the hash's answer for it as a session device;
   * both hints.
   */
  JsonObject device(String clientId) {
    JsonObject out = new JsonObject().put("clientId", clientId).put("hint", true);
    DeviceTable.Sent sent = devices == null ? null : devices.lookup(clientId);
    if (sent != null) {
      out.put(
          "sent",
          new JsonObject()
              .put("broker", sent.broker())
              .put("group", sent.group())
              .put("rule", sent.rule())
              .put("at", Instant.ofEpochMilli(sent.atMillis()).toString()));
    } else {
      out.put("sent", (Object) null);
    }
    JsonObject hash = dryRun(new ConnectFacts(clientId, Transport.MQTT, false, 3600));
    if (sent != null && routing != null && !sent.group().equals(hash.getString("group"))) {
      // The device's other CONNECT fields (user name, address, properties) chose its group; keep
      // it.
      long now = System.nanoTime();
      List<BrokerView> candidates = registry.snapshot().usable(sent.group(), Transport.MQTT, now);
      BrokerView b =
          freshPolicy
              .get()
              .choose(candidates, new ConnectFacts(clientId, Transport.MQTT, false, 3600), now);
      hash =
          new JsonObject()
              .put("group", sent.group())
              .put("broker", b == null ? null : b.id())
              .put("session", b == null ? null : sessionNote(b, candidates));
    }
    out.put(
        "sessionHash",
        new JsonObject()
            .put("group", hash.getString("group"))
            .put("broker", hash.getString("broker"))
            .put("note", hash.getString("session")));
    return out;
  }

  private String sessionNote(BrokerView broker, List<BrokerView> candidates) {
    boolean cluster =
        !candidates.isEmpty() && candidates.stream().allMatch(b -> b.group().cluster());
    return cluster
        ? "group "
            + broker.group().name()
            + " is a cluster: the session lives on every broker of the group"
        : "independent brokers: the session lives on "
            + broker.id()
            + " (rendezvous hash of the client id)";
  }

  /**
   * {@code cluster} when every broker of the group says so, {@code independent} when none does,
   * else {@code mixed}.
   */
  static String mode(List<BrokerView> members) {
    long clustered = members.stream().filter(b -> b.group().cluster()).count();
    return clustered == members.size() ? "cluster" : clustered == 0 ? "independent" : "mixed";
  }

  private static String hex(int code) {
    return String.format(Locale.ROOT, "0x%02x", code & 0xFF);
  }
}

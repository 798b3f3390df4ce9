package io.mqttdispatcher.dispatcher.admin;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.metrics.DispatcherMetrics;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.probe.ProbeCommands;
import io.mqttdispatcher.dispatcher.rebalance.PlanChooser;
import io.mqttdispatcher.dispatcher.rebalance.RebalanceRequest;
import io.mqttdispatcher.dispatcher.rebalance.RebalanceStatus;
import io.mqttdispatcher.dispatcher.rebalance.Rebalancer;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.CommandOp;
import io.mqttdispatcher.protocol.PlanKind;
import io.mqttdispatcher.protocol.PlanStatus;
import io.mqttdispatcher.protocol.ProbeMessage.Command;
import io.mqttdispatcher.protocol.ProbeState;
import io.mqttdispatcher.protocol.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The admin HTTP API.
 *
 * <ul>
 *   <li>{@code GET /}: a status page with each broker's connections, load and redirects over time.
 *   <li>{@code GET /history?since=<epoch ms>}: the samples behind the page's charts ({@link
 *       LoadHistory}).
 *   <li>{@code GET /health}: liveness, always 200 while the process serves.
 *   <li>{@code GET /ready}: 200 when at least one broker is usable for MQTT devices, else 503.
 *   <li>{@code GET /brokers}: every broker with its load and state, and what the device listeners
 *       run on ({@code deviceTransport}), as JSON.
 *   <li>{@code POST /brokers/{id}/drain} and {@code /undrain}: stop or resume sending devices
 *       there, from every replica (the broker's v2 probe carries the flag; a v1 probe's drain stays
 *       on this replica).
 *   <li>{@code POST /brokers/{id}/evacuate}: no new devices, every device moved off at a bounded
 *       rate; {@code GET} shows its progress, {@code DELETE} stops it.
 *   <li>{@code POST /rebalance}, {@code GET /rebalance}, {@code DELETE /rebalance}: start, show,
 *       stop a rebalance plan ({@link Rebalancer}).
 *   <li>{@code GET /metrics}: Prometheus text format.
 *   <li>{@code GET /groups}: every broker group, its mode and members; {@code GET
 *       /groups/{name}/endpoints?transport=mqtt}: the group's usable brokers as text lines (token).
 *   <li>{@code GET /routing}: the routing rules in force with their hits.
 *   <li>{@code GET
 *       /route?clientId=..&username=..&address=..&transport=..&property=name=value&session=true}:
 *       where such a CONNECT would go, and why (a dry run).
 *   <li>{@code GET /devices/{clientId}}: where this dispatcher sent the device, and the hash's
 *       answer for it as a session device; hints (token).
 * </ul>
 *
 * Endpoints marked (token) need the bearer token when the dispatcher has one. Every change (POST,
 * DELETE) needs {@code Authorization: Bearer <token>} matching {@code --admin-token-file}, and is
 * refused when the dispatcher has none.
 *
 * <p>Runs on the control-plane event loop, the same one that owns the registry.
 */
public final class AdminServer {
  private static final String STATUS_PAGE = loadStatusPage();
  private static final Pattern BROKER_ACTION =
      Pattern.compile("/brokers/([^/]+)/(drain|undrain|evacuate)");

  /** Largest request body accepted. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final Pattern GROUP_ENDPOINTS = Pattern.compile("/groups/([^/]+)/endpoints");
  private static final Pattern DEVICE = Pattern.compile("/devices/([^/]+)");

  private static final Pattern IP_LITERAL =
      Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final Vertx vertx;
  private final HostPort address;
  private final BrokerRegistry registry;
  private final DispatcherMetrics metrics;
  private final byte @Nullable [] token;
  private final Placements placements;
  private final LoadHistory history =
      new LoadHistory(LoadHistory.DEFAULT_SAMPLES, LoadHistory.DEFAULT_INTERVAL);
  private final ProbeCommands probes;
  private final Rebalancer rebalancer;
  private @Nullable LongFunction<JsonObject> automatic;
  private @Nullable HttpServer server;
  private long historyTimer = -1;

  public AdminServer(
      Vertx vertx,
      HostPort address,
      BrokerRegistry registry,
      DispatcherMetrics metrics,
      byte @Nullable [] token,
      Placements placements,
      ProbeCommands probes,
      Rebalancer rebalancer) {
    this.placements = placements;
    this.vertx = vertx;
    this.probes = probes;
    this.rebalancer = rebalancer;
    this.address = address;
    this.registry = registry;
    this.metrics = metrics;
    this.token = token == null ? null : token.clone();
  }

  /**
   * Shows automatic mode's state ({@code status}, given the time) under {@code automatic} in the
   * answers about rebalancing.
   */
  public void showAutomatic(LongFunction<JsonObject> status) {
    this.automatic = status;
  }

  private JsonObject rebalance(RebalanceStatus status) {
    LongFunction<JsonObject> auto = automatic;
    return RebalanceJson.of(status, auto == null ? null : auto.apply(System.nanoTime()));
  }

  /** Starts listening; completes with the bound port. */
  public Future<Integer> listen() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    sampleHistory();
    historyTimer = vertx.setPeriodic(history.interval().toMillis(), t -> sampleHistory());
    return server
        .listen(address.port(), address.host())
        .map(HttpServer::actualPort)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen for admin HTTP on " + address + ": " + e.getMessage(), e)));
  }

  public Future<Void> close() {
    vertx.cancelTimer(historyTimer);
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    Matcher action = BROKER_ACTION.matcher(path);
    if (action.matches()) {
      String id = PathSegments.decode(action.group(1));
      String verb = action.group(2);
      if (req.method() == HttpMethod.POST && !verb.equals("evacuate")) {
        whenAuthorized(req, body -> drain(req, id, verb.equals("drain")));
      } else if (req.method() == HttpMethod.POST) {
        whenAuthorized(req, body -> evacuate(req, id, body));
      } else if (req.method() == HttpMethod.GET && verb.equals("evacuate")) {
        json(req, 200, evacuation(id));
      } else if (req.method() == HttpMethod.DELETE && verb.equals("evacuate")) {
        whenAuthorized(
            req, body -> reply(req, rebalancer.stopEvacuation(id).map(ack -> evacuation(id))));
      } else {
        error(req, 405, "method " + req.method() + " not allowed on " + path);
      }
      return;
    }
    if (path.equals("/rebalance")) {
      if (req.method() == HttpMethod.GET) {
        json(req, 200, rebalance(rebalancer.status()));
      } else if (req.method() == HttpMethod.POST) {
        whenAuthorized(
            req,
            body -> {
              RebalanceRequest request;
              try {
                request = AdminJson.rebalanceRequest(body);
              } catch (IllegalArgumentException e) {
                error(req, 400, Objects.requireNonNullElse(e.getMessage(), e.toString()));
                return;
              }
              reply(req, rebalancer.start(request).map(this::rebalance));
            });
      } else if (req.method() == HttpMethod.DELETE) {
        whenAuthorized(req, body -> reply(req, rebalancer.stop().map(this::rebalance)));
      } else {
        error(req, 405, "method " + req.method() + " not allowed on " + path);
      }
      return;
    }
    if (req.method() == HttpMethod.GET) {
      switch (path) {
        case "/", "/status" ->
            req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(STATUS_PAGE);
        case "/health" -> json(req, 200, new JsonObject().put("status", "up"));
        case "/ready" -> {
          int usable = registry.snapshot().usable(Transport.MQTT, System.nanoTime()).size();
          json(
              req,
              usable > 0 ? 200 : 503,
              new JsonObject().put("ready", usable > 0).put("usableBrokers", usable));
        }
        case "/brokers" -> json(req, 200, brokers());
        case "/metrics" ->
            req.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape());
        case "/groups" -> json(req, 200, placements.groups());
        case "/routing" -> {
          JsonObject rules = placements.rules();
          if (rules == null) {
            error(req, 404, "no routing rules: the dispatcher was started without --routing-file");
          } else {
            json(req, 200, rules);
          }
        }
        case "/route" -> dryRun(req);
        case "/history" -> history(req);
        default -> getPlacement(req, path);
      }
      return;
    }
    error(req, 405, "method " + req.method() + " not allowed on " + path);
  }

  private void getPlacement(HttpServerRequest req, String path) {
    Matcher endpoints = GROUP_ENDPOINTS.matcher(path);
    Matcher device = DEVICE.matcher(path);
    if (endpoints.matches()) {
      if (token != null && !authorized(req)) {
        error(req, 401, "missing or wrong bearer token");
        return;
      }
      String t = req.getParam("transport", Transport.MQTT.wireName());
      Transport transport = Transport.fromWireName(t).orElse(null);
      if (transport == null) {
        error(req, 400, "transport '" + t + "' is not one of mqtt, mqtts, ws, wss");
        return;
      }
      String group = PathSegments.decode(endpoints.group(1));
      String lines = placements.endpoints(group, transport);
      if (lines == null) {
        error(req, 404, "no broker advertises group '" + group + "'");
      } else {
        req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(lines);
      }
    } else if (device.matches()) {
      if (token != null && !authorized(req)) {
        error(req, 401, "missing or wrong bearer token");
        return;
      }
      json(req, 200, placements.device(PathSegments.decode(device.group(1))));
    } else {
      error(req, 404, "no such resource: " + path);
    }
  }

  private void sampleHistory() {
    var snapshot = registry.snapshot();
    history.record(
        System.currentTimeMillis(),
        snapshot.brokers(),
        snapshot.usable(Transport.MQTT, System.nanoTime()),
        id -> (long) metrics.redirectCount(id));
  }

  private void history(HttpServerRequest req) {
    String since = req.getParam("since", "0");
    long sinceMillis;
    try {
      sinceMillis = Long.parseLong(since);
    } catch (NumberFormatException e) {
      error(req, 400, "since '" + since + "' is not a time in epoch milliseconds");
      return;
    }
    json(req, 200, history.toJson(sinceMillis));
  }

  private void dryRun(HttpServerRequest req) {
    String clientId = req.getParam("clientId");
    if (clientId == null) {
      error(
          req,
          400,
          "give at least clientId; optional: username, address, transport, property=name=value (repeatable), session=true");
      return;
    }
    String t = req.getParam("transport", Transport.MQTT.wireName());
    Transport transport = Transport.fromWireName(t).orElse(null);
    if (transport == null) {
      error(req, 400, "transport '" + t + "' is not one of mqtt, mqtts, ws, wss");
      return;
    }
    InetAddress address = null;
    String a = req.getParam("address");
    if (a != null) {
      if (!IP_LITERAL.matcher(a).matches()) {
        error(req, 400, "address '" + a + "' is not an IP address");
        return;
      }
      try {
        address = InetAddress.getByName(a); // a literal: no name lookup
      } catch (UnknownHostException e) {
        error(req, 400, "address '" + a + "' is not an IP address");
        return;
      }
    }
    List<ConnectFacts.UserProperty> properties = new ArrayList<>();
    for (String p : req.params().getAll("property")) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        error(req, 400, "property '" + p + "' must be name=value");
        return;
      }
      properties.add(new ConnectFacts.UserProperty(p.substring(0, eq), p.substring(eq + 1)));
    }
    // A session device as the admin API's "session=true": Clean Start 0, an hour's expiry.
    boolean session = "true".equals(req.getParam("session"));
    ConnectFacts facts =
        new ConnectFacts(
            clientId,
            transport,
            !session,
            session ? 3600 : 0,
            req.getParam("username"),
            address,
            properties);
    json(req, 200, placements.dryRun(facts));
  }

  private boolean authorized(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    byte[] given =
        auth != null && auth.startsWith("Bearer ")
            ? auth.substring(7).getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    return token != null && MessageDigest.isEqual(token, given);
  }

  /**
   * Checks the bearer token, reads the JSON body (empty object when none), then runs {@code
   * action}.
   */
  private void whenAuthorized(
      HttpServerRequest req, java.util.function.Consumer<JsonObject> action) {
    if (token == null) {
      error(req, 403, "admin changes are disabled: start the dispatcher with --admin-token-file");
      return;
    }
    if (!authorized(req)) {
      error(req, 401, "missing or wrong bearer token");
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null && length.length() < 12 && Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
      error(req, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    req.body()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                error(req, 400, "cannot read the request body: " + ar.cause().getMessage());
                return;
              }
              Buffer body = ar.result();
              if (body.length() > MAX_BODY_BYTES) {
                error(req, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
                return;
              }
              JsonObject json;
              try {
                json =
                    body.length() == 0 || body.toString(StandardCharsets.UTF_8).isBlank()
                        ? new JsonObject()
                        : body.toJsonObject();
              } catch (RuntimeException e) {
                error(req, 400, "the request body must be one JSON object");
                return;
              }
              action.accept(json);
            });
  }

  private void drain(HttpServerRequest req, String id, boolean draining) {
    if (probes.takesCommands(id)) {
      Command command =
          Command.of(probes.newCommandId(), draining ? CommandOp.DRAIN : CommandOp.UNDRAIN);
      reply(
          req,
          probes
              .send(id, command)
              .map(
                  ack -> {
                    if (!ack.ok()) {
                      throw new IllegalStateException(ack.reason());
                    }
                    return new JsonObject()
                        .put("broker", id)
                        .put("draining", ack.state().draining())
                        .put("scope", "every dispatcher (carried by the broker's probe)");
                  }));
      return;
    }
    if (!registry.setDraining(id, draining)) {
      error(req, 404, "no connected broker '" + id + "'");
      return;
    }
    json(
        req,
        200,
        new JsonObject()
            .put("broker", id)
            .put("draining", draining)
            .put("scope", "this dispatcher only (the broker's probe speaks protocol v1)"));
  }

  private void evacuate(HttpServerRequest req, String id, JsonObject body) {
    double rate;
    boolean includeSessions;
    try {
      rate = AdminJson.number(body, "rate", RebalanceRequest.DEFAULT_EVACUATION_RATE);
      includeSessions = AdminJson.bool(body, "includeSessions");
    } catch (IllegalArgumentException e) {
      error(req, 400, Objects.requireNonNullElse(e.getMessage(), e.toString()));
      return;
    }
    reply(req, rebalancer.evacuate(id, rate, includeSessions).map(ack -> evacuation(id)));
  }

  /** The evacuation of broker {@code id} as its probe reports it. */
  private JsonObject evacuation(String id) {
    ProbeState state = registry.probeState(id);
    PlanStatus s = state == null ? null : state.plan();
    JsonObject o = new JsonObject().put("broker", id);
    registry.snapshot().brokers().stream()
        .filter(b -> b.id().equals(id))
        .findFirst()
        .ifPresent(b -> b.connections().ifPresent(c -> o.put("connections", c)));
    if (s == null || s.plan().kind() != PlanKind.EVACUATE) {
      return o.put("state", "none");
    }
    o.put("id", s.plan().id())
        .put("state", s.state().wireName())
        .put("rate", s.plan().rate())
        .put("includeSessions", s.plan().includeSessions())
        .put("evicted", s.evicted())
        .put("skipped", s.skipped())
        .put("remaining", new JsonArray(s.remaining()));
    if (!s.reason().isEmpty()) {
      o.put("reason", s.reason());
    }
    return o;
  }

  /** Answers with {@code result}'s JSON, or with the refusal's status and message. */
  private static void reply(HttpServerRequest req, Future<JsonObject> result) {
    result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            json(req, 200, ar.result());
          } else if (ar.cause() instanceof PlanChooser.PlanRefused refused) {
            error(
                req,
                refused.status(),
                Objects.requireNonNullElse(refused.getMessage(), refused.toString()));
          } else {
            error(
                req,
                502,
                Objects.requireNonNullElse(ar.cause().getMessage(), ar.cause().toString()));
          }
        });
  }

  private JsonObject brokers() {
    long now = System.nanoTime();
    List<BrokerView> usable = registry.snapshot().usable(Transport.MQTT, now);
    JsonArray list = new JsonArray();
    for (BrokerView b : registry.snapshot().brokers()) {
      JsonObject endpoints = new JsonObject();
      b.endpoints().forEach((t, e) -> endpoints.put(t.wireName(), e));
      JsonObject o =
          new JsonObject()
              .put("id", b.id())
              .put("endpoints", endpoints)
              .put("cpu", b.cpu())
              .put("meanCpu", b.meanCpu())
              .put("mem", b.mem())
              .put("capacity", b.capacity())
              .put("group", b.group().name())
              .put("cluster", b.group().cluster())
              .put("healthy", b.healthy())
              .put("draining", b.draining())
              .put("usable", usable.contains(b))
              .put("cpuSettling", b.cpuSettlingAt(now))
              .put("reportAgeMs", (now - b.reportedAtNanos()) / 1_000_000)
              .put("redirects", (long) metrics.redirectCount(b.id()));
      b.connections().ifPresent(c -> o.put("connections", c));
      b.msgRate().ifPresent(r -> o.put("msgRate", r));
      ProbeState state = registry.probeState(b.id());
      o.put("probeProtocol", state == null ? 1 : 2);
      o.put("drainedHereOnly", registry.drainedLocally(b.id()));
      if (state != null && state.plan() != null) {
        PlanStatus p = state.plan();
        o.put(
            "plan",
            new JsonObject()
                .put("id", p.plan().id())
                .put("kind", p.plan().kind().wireName())
                .put("state", p.state().wireName())
                .put("evicted", p.evicted())
                .put("skipped", p.skipped()));
      }
      list.add(o);
    }
    return new JsonObject()
        .put(
            "deviceTransport",
            new JsonObject()
                .put("transport", metrics.deviceTransport())
                .put("fallback", metrics.deviceTransportFallback()))
        .put("brokers", list)
        .put("parked", metrics.held())
        .put("usable", usable.size());
  }

  private static String loadStatusPage() {
    try (var in = AdminServer.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html is missing from the dispatcher jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static void error(HttpServerRequest req, int status, String message) {
    json(req, status, new JsonObject().put("error", message));
  }
}

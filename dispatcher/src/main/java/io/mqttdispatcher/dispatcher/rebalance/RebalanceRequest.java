package io.mqttdispatcher.dispatcher.rebalance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operator asks for in {@code POST /rebalance}, with EMQX's defaults: evict 500 connections
 * per second per donor, thresholds 1000 (absolute) and 1.1 (relative), wait 60 s; donors and
 * recipients chosen from the loads unless named.
 *
 * @param rate devices each donor's probe moves per second
 * @param absThreshold a donor is done below the recipients' mean connections plus this
 * @param relThreshold ... or below the recipients' mean times this
 * @param waitBeforeEviction time between the start (donors already get no new devices) and the
 *     first eviction
 * @param includeSessions move devices that keep a session too
 * @param donors named donors, or empty to choose them
 * @param recipients named recipients, or empty to choose them
 */
public record RebalanceRequest(
    double rate,
    double absThreshold,
    double relThreshold,
    Duration waitBeforeEviction,
    boolean includeSessions,
    List<String> donors,
    List<String> recipients) {

  public static final double DEFAULT_RATE = 500;
  public static final double DEFAULT_ABS_THRESHOLD = 1000;
  public static final double DEFAULT_REL_THRESHOLD = 1.1;
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  /** Evacuation moves devices at this rate unless told otherwise. */
  public static final double DEFAULT_EVACUATION_RATE = 500;

  public RebalanceRequest {
    donors = List.copyOf(donors);
    recipients = List.copyOf(recipients);
  }

  /**
   * The request in {@code body} (fields {@code rate}, {@code absThreshold}, {@code relThreshold},
   * {@code waitSeconds}, {@code includeSessions}, {@code donors}, {@code recipients}, all
   * optional).
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static RebalanceRequest fromJson(JsonObject body) {
    double rate = number(body, "rate", DEFAULT_RATE);
    double abs = number(body, "absThreshold", DEFAULT_ABS_THRESHOLD);
    double rel = number(body, "relThreshold", DEFAULT_REL_THRESHOLD);
    double waitSeconds = number(body, "waitSeconds", DEFAULT_WAIT.toMillis() / 1000.0);
    if (!(rate > 0)) {
      throw new IllegalArgumentException("'rate' must be above 0 devices per second");
    }
    if (!(abs >= 0)) {
      throw new IllegalArgumentException("'absThreshold' must be 0 or more");
    }
    if (!(rel >= 1)) {
      throw new IllegalArgumentException("'relThreshold' must be 1 or more");
    }
    if (!(waitSeconds >= 0)) {
      throw new IllegalArgumentException("'waitSeconds' must be 0 or more");
    }
    return new RebalanceRequest(
        rate,
        abs,
        rel,
        Duration.ofMillis(Math.round(waitSeconds * 1000)),
        bool(body, "includeSessions"),
        ids(body, "donors"),
        ids(body, "recipients"));
  }

  public static double number(JsonObject body, String field, double otherwise) {
    Object v = body.getValue(field);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException("'" + field + "' must be a number");
    }
    return n.doubleValue();
  }

  public static boolean bool(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException("'" + field + "' must be true or false");
    }
    return b;
  }

  private static List<String> ids(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw new IllegalArgumentException("'" + field + "' must be an array of broker ids");
    }
    List<String> result = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException("'" + field + "' must be an array of broker ids");
      }
      if (!result.contains(s)) {
        result.add(s);
      }
    }
    return result;
  }
}

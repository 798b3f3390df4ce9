package io.mqttdispatcher.dispatcher.admin;

import io.mqttdispatcher.dispatcher.rebalance.RebalanceRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads the admin API's request bodies; errors name the field that is wrong. */
final class AdminJson {
  private AdminJson() {}

  /**
   * The request in {@code body} of {@code POST /rebalance} (fields {@code rate}, {@code
   * absThreshold}, {@code relThreshold}, {@code waitSeconds}, {@code includeSessions}, {@code
   * donors}, {@code recipients}, all optional, with EMQX's defaults).
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  static RebalanceRequest rebalanceRequest(JsonObject body) {
    return RebalanceRequest.of(
        number(body, "rate", RebalanceRequest.DEFAULT_RATE),
        number(body, "absThreshold", RebalanceRequest.DEFAULT_ABS_THRESHOLD),
        number(body, "relThreshold", RebalanceRequest.DEFAULT_REL_THRESHOLD),
        number(body, "waitSeconds", RebalanceRequest.DEFAULT_WAIT.toMillis() / 1000.0),
        bool(body, "includeSessions"),
        ids(body, "donors"),
        ids(body, "recipients"));
  }

  static double number(JsonObject body, String field, double otherwise) {
    Object v = body.getValue(field);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException("'" + field + "' must be a number");
    }
    return n.doubleValue();
  }

  static boolean bool(JsonObject body, String field) {
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

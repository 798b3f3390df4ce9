package io.mqttdispatcher.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Encodes and decodes probe protocol lines, v1 and v2 (one JSON object, no newline). Decoding
 * validates every field it knows and ignores fields it does not, so newer probes can add fields.
 * The v2 parts (probe state, plans, commands) are in {@link V2Codec}.
 */
public final class ProbeCodec {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(8)
                .maxStringLength(ProbeMessage.MAX_LINE_BYTES)
                .build());
  }

  private ProbeCodec() {}

  /** The line for {@code message}, without the trailing newline. */
  public static String encode(ProbeMessage message) {
    if (message instanceof ProbeMessage.Clients c) {
      return V2Codec.encodeClients(c);
    }
    ObjectNode node = MAPPER.createObjectNode();
    if (message instanceof ProbeMessage.Challenge c) {
      node.put("type", "challenge").put("v", ProbeMessage.VERSION);
      if (c.maxVersion() > ProbeMessage.VERSION) {
        node.put("vmax", c.maxVersion());
      }
      node.put("nonce", c.nonce());
    } else if (message instanceof ProbeMessage.Hello h) {
      node.put("type", "hello").put("v", h.version()).put("broker", h.broker()).put("mac", h.mac());
    } else if (message instanceof ProbeMessage.Welcome) {
      node.put("type", "welcome");
    } else if (message instanceof ProbeMessage.Error e) {
      node.put("type", "error").put("code", e.code().wireName()).put("reason", e.reason());
    } else if (message instanceof ProbeMessage.Report r) {
      encodeReport(node, r);
    } else {
      V2Codec.encode(node, message);
    }
    return node.toString();
  }

  private static void encodeReport(ObjectNode node, ProbeMessage.Report r) {
    node.put("type", "report").put("ts", r.ts()).put("cpu", r.cpu()).put("mem", r.mem());
    r.connections().ifPresent(c -> node.put("connections", c));
    r.msgRate().ifPresent(m -> node.put("msgRate", m));
    node.put("healthy", r.healthy()).put("capacity", r.capacity());
    ObjectNode endpoints = node.putObject("endpoints");
    for (Transport t : Transport.values()) {
      String address = r.endpoints().get(t);
      if (address != null) {
        endpoints.put(t.wireName(), address);
      }
    }
    if (r.state() != null) {
      node.set("state", V2Codec.encodeState(r.state()));
    }
    node.put("group", r.group().name()).put("cluster", r.group().cluster());
  }

  /**
   * The message in {@code line}; throws with a specific reason when it is not a valid v1 message.
   */
  /**
   * A broker's standing alone, in the form of a report's {@code state} field: what a probe keeps in
   * its state file.
   */
  public static String encodeState(ProbeState state) {
    return V2Codec.encodeState(state).toString();
  }

  /** Reads what {@link #encodeState} wrote. */
  public static ProbeState decodeState(String json) throws ProtocolException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException("a state must be one JSON object");
    }
    return V2Codec.decodeState(node);
  }

  public static ProbeMessage decode(String line) throws ProtocolException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException("a line must be one JSON object");
    }
    String type = text(node, "type");
    return switch (type) {
      case "challenge" -> {
        checkVersion(node, ProbeMessage.VERSION);
        int maxVersion = ProbeMessage.VERSION;
        if (present(node, "vmax")) {
          long vmax = integer(node, "vmax");
          if (vmax < ProbeMessage.VERSION || vmax > Integer.MAX_VALUE) {
            throw new ProtocolException(
                "field 'vmax' must be a version of at least 1, was " + vmax);
          }
          maxVersion = (int) vmax;
        }
        yield new ProbeMessage.Challenge(text(node, "nonce"), maxVersion);
      }
      case "hello" -> {
        int version = checkVersion(node, ProbeMessage.MAX_VERSION);
        String broker = text(node, "broker");
        if (broker.isBlank() || broker.length() > 256) {
          throw new ProtocolException("field 'broker' must be 1 to 256 characters");
        }
        yield new ProbeMessage.Hello(broker, text(node, "mac"), version);
      }
      case "welcome" -> new ProbeMessage.Welcome();
      case "error" ->
          new ProbeMessage.Error(
              ErrorCode.fromWireName(node.path("code").asText("")), node.path("reason").asText(""));
      case "report" -> decodeReport(node);
      case "command" -> V2Codec.decodeCommand(node);
      case "ack" -> V2Codec.decodeAck(node);
      case "clients" -> V2Codec.decodeClients(node);
      default -> throw new ProtocolException("unknown message type '" + type + "'");
    };
  }

  private static ProbeMessage.Report decodeReport(JsonNode node) throws ProtocolException {
    long ts = integer(node, "ts");
    double cpu = fraction(node, "cpu");
    double mem = fraction(node, "mem");
    OptionalLong connections = OptionalLong.empty();
    if (present(node, "connections")) {
      long c = integer(node, "connections");
      if (c < 0) {
        throw new ProtocolException("field 'connections' must not be negative");
      }
      connections = OptionalLong.of(c);
    }
    OptionalDouble msgRate = OptionalDouble.empty();
    if (present(node, "msgRate")) {
      double m = number(node, "msgRate");
      if (m < 0) {
        throw new ProtocolException("field 'msgRate' must not be negative");
      }
      msgRate = OptionalDouble.of(m);
    }
    JsonNode healthy = node.get("healthy");
    if (healthy == null || !healthy.isBoolean()) {
      throw new ProtocolException("field 'healthy' must be true or false");
    }
    double capacity = 1.0;
    if (present(node, "capacity")) {
      capacity = number(node, "capacity");
      if (!(capacity > 0)) {
        throw new ProtocolException("field 'capacity' must be greater than 0");
      }
    }
    JsonNode endpointsNode = node.get("endpoints");
    if (endpointsNode == null || !endpointsNode.isObject()) {
      throw new ProtocolException("field 'endpoints' must be an object");
    }
    Map<Transport, String> endpoints = new EnumMap<>(Transport.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = endpointsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Transport transport = Transport.fromWireName(e.getKey()).orElse(null);
      if (transport == null) {
        continue; // unknown transports are ignored like unknown fields
      }
      if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
        throw new ProtocolException("endpoint '" + e.getKey() + "' must be a non-empty string");
      }
      endpoints.put(transport, e.getValue().asText());
    }
    ProbeState state = present(node, "state") ? V2Codec.decodeState(node.get("state")) : null;
    return new ProbeMessage.Report(
        ts,
        cpu,
        mem,
        connections,
        msgRate,
        healthy.booleanValue(),
        capacity,
        endpoints,
        state,
        group(node));
  }

  /**
   * The optional {@code group} and {@code cluster} fields; a probe that sends neither is in the
   * default group.
   */
  private static BrokerGroup group(JsonNode node) throws ProtocolException {
    String name = BrokerGroup.DEFAULT.name();
    if (present(node, "group")) {
      name = text(node, "group");
      if (!BrokerGroup.validName(name)) {
        throw new ProtocolException(
            "field 'group' must be 1 to 64 letters, digits, '.', '_' or '-'");
      }
    }
    boolean cluster = false;
    if (present(node, "cluster")) {
      JsonNode c = node.get("cluster");
      if (!c.isBoolean()) {
        throw new ProtocolException("field 'cluster' must be true or false");
      }
      cluster = c.booleanValue();
    }
    return new BrokerGroup(name, cluster);
  }

  /** The line's version, which must be between 1 and {@code max}. */
  private static int checkVersion(JsonNode node, int max) throws ProtocolException {
    JsonNode v = node.get("v");
    if (v == null
        || !v.isIntegralNumber()
        || !v.canConvertToInt()
        || v.intValue() < ProbeMessage.VERSION
        || v.intValue() > max) {
      throw new ProtocolException(
          "unsupported protocol version "
              + v
              + ", this side speaks v"
              + ProbeMessage.VERSION
              + (max > ProbeMessage.VERSION ? " to v" + max : ""));
    }
    return v.intValue();
  }

  static boolean present(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && !n.isNull();
  }

  static String text(JsonNode node, String field) throws ProtocolException {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual()) {
      throw new ProtocolException("field '" + field + "' must be a string");
    }
    return n.asText();
  }

  static long integer(JsonNode node, String field) throws ProtocolException {
    JsonNode n = node.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new ProtocolException("field '" + field + "' must be an integer");
    }
    return n.longValue();
  }

  static double number(JsonNode node, String field) throws ProtocolException {
    JsonNode n = node.get(field);
    if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw new ProtocolException("field '" + field + "' must be a number");
    }
    return n.doubleValue();
  }

  private static double fraction(JsonNode node, String field) throws ProtocolException {
    double d = number(node, field);
    if (d < 0 || d > 1) {
      throw new ProtocolException("field '" + field + "' must be between 0 and 1, was " + d);
    }
    return d;
  }
}

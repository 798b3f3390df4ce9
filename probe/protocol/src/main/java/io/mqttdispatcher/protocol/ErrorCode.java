package io.mqttdispatcher.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a dispatcher refuses or closes a probe connection, as the {@code code} field of an error
 * line. A peer acts on the code; the {@code reason} beside it is for people. A code this version
 * does not know, and an error line without a code (dispatchers from before codes existed), read as
 * {@link #UNSPECIFIED}.
 */
public enum ErrorCode {
  /** The hello's MAC does not match: the probe's secret differs from the dispatcher's. */
  AUTH_FAILED("auth_failed"),
  /** No hello arrived within the dispatcher's hello timeout. */
  HELLO_TIMEOUT("hello_timeout"),
  /** A line that is not a valid message, too long, or not the message the exchange expects next. */
  BAD_MESSAGE("bad_message"),
  /** A report names an endpoint outside the dispatcher's allowlist. */
  ENDPOINT_NOT_ALLOWED("endpoint_not_allowed"),
  /** A newer connection now speaks for the same broker id. */
  REPLACED("replaced"),
  /** No code, or one this version does not know. */
  UNSPECIFIED("unspecified");

  private static final Map<String, ErrorCode> BY_WIRE_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(ErrorCode::wireName, Function.identity()));

  private final String wireName;

  ErrorCode(String wireName) {
    this.wireName = wireName;
  }

  /** The code as it appears on the wire, e.g. {@code auth_failed}. */
  public String wireName() {
    return wireName;
  }

  /** The code for {@code wireName}; {@link #UNSPECIFIED} for an unknown or empty one. */
  public static ErrorCode fromWireName(String wireName) {
    return BY_WIRE_NAME.getOrDefault(wireName, UNSPECIFIED);
  }
}

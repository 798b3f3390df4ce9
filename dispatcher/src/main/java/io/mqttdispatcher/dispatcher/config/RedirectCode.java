package io.mqttdispatcher.dispatcher.config;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/** Which MQTT v5 CONNACK reason code a redirect carries. */
public enum RedirectCode {
  /** 0x9C: the device should use the referenced server, this time. */
  USE_ANOTHER_SERVER(MqttConnectReturnCode.CONNECTION_REFUSED_USE_ANOTHER_SERVER),
  /** 0x9D: the device should use the referenced server from now on. */
  SERVER_MOVED(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_MOVED);

  private final MqttConnectReturnCode code;

  RedirectCode(MqttConnectReturnCode code) {
    this.code = code;
  }

  public MqttConnectReturnCode code() {
    return code;
  }

  /** Option spelling: {@code use-another-server} or {@code server-moved}. */
  public static RedirectCode parse(String value) {
    return switch (value) {
      case "use-another-server" -> USE_ANOTHER_SERVER;
      case "server-moved" -> SERVER_MOVED;
      default ->
          throw new IllegalArgumentException(
              "'"
                  + value
                  + "' is not a redirect code: use use-another-server (0x9C) or server-moved (0x9D)");
    };
  }
}

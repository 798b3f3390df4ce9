package io.mqttdispatcher.dispatcher.ctl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A broker id as one path segment of the admin API. */
final class BrokerPath {
  private BrokerPath() {}

  static String segment(String brokerId) {
    return URLEncoder.encode(brokerId, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

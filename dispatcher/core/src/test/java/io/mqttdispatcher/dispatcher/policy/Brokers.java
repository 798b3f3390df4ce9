package io.mqttdispatcher.dispatcher.policy;

import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.Transport;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Plain broker values for policy tests. */
final class Brokers {
  private Brokers() {}

  static BrokerView broker(String id, double meanCpu) {
    return broker(id, meanCpu, 0.1, OptionalLong.empty(), 1);
  }

  static BrokerView broker(
      String id, double meanCpu, double mem, OptionalLong connections, double capacity) {
    return new BrokerView(
        id,
        Map.of(Transport.MQTT, id + ":1883"),
        meanCpu,
        meanCpu,
        mem,
        connections,
        OptionalDouble.empty(),
        capacity,
        true,
        false,
        0);
  }

  /**
   * {@code b} as a broker that became usable recently: its CPU settles at {@code settlesAtNanos}.
   */
  static BrokerView settling(BrokerView b, long settlesAtNanos) {
    return new BrokerView(
        b.id(),
        b.endpoints(),
        b.meanCpu(),
        b.cpu(),
        b.mem(),
        b.connections(),
        b.msgRate(),
        b.capacity(),
        b.healthy(),
        b.draining(),
        b.reportedAtNanos(),
        b.group(),
        settlesAtNanos);
  }

  static ConnectFacts clean(String clientId) {
    return new ConnectFacts(clientId, Transport.MQTT, true, 0);
  }

  static ConnectFacts session(String clientId) {
    return new ConnectFacts(clientId, Transport.MQTT, false, 3600);
  }
}

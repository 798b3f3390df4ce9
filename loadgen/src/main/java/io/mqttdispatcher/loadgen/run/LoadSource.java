package io.mqttdispatcher.loadgen.run;

import java.util.List;

/** Where broker CPU and connection counts come from, sampled once a second. */
interface LoadSource {
  /** One entry per broker, in the order of {@code --brokers}. */
  List<BrokerLoad> sample();

  /** Shown in reports, e.g. {@code dispatcher admin API 127.0.0.1:8080}. */
  String describe();

  static LoadSource none(int brokers) {
    return new LoadSource() {
      @Override
      public List<BrokerLoad> sample() {
        return java.util.Collections.nCopies(brokers, BrokerLoad.UNKNOWN);
      }

      @Override
      public String describe() {
        return "none (give --admin or --broker-pids)";
      }
    };
  }
}

package io.mqttdispatcher.loadgen.bench;

import java.util.Map;

/**
 * What {@code bench-connect} measured.
 *
 * @param exchanges completed CONNECT/CONNACK exchanges (with {@code --follow}: completed device
 *     connects)
 * @param errors connects that failed or timed out
 * @param seconds measured time
 * @param p50Millis latency median
 * @param p99Millis latency 99th percentile
 * @param p999Millis latency 99.9th percentile
 * @param maxMillis slowest exchange
 * @param reasonCodes CONNACK reason codes from the target, e.g. {@code 0x9C Use another server}
 * @param followReasonCodes with {@code --follow}, reason codes from the referenced brokers
 * @param firstError the first error's message, or empty
 */
public record BenchResult(
    long exchanges,
    long errors,
    double seconds,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    Map<String, Long> reasonCodes,
    Map<String, Long> followReasonCodes,
    String firstError) {

  public double rate() {
    return seconds <= 0 ? 0 : exchanges / seconds;
  }
}

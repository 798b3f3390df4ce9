package io.mqttdispatcher.loadgen.simulate;

import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.ConnectFacts;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.registry.BrokerRegistry;
import io.mqttdispatcher.dispatcher.registry.BrokerView;
import io.mqttdispatcher.protocol.ProbeMessage;
import io.mqttdispatcher.protocol.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Runs one policy on the model, in simulated time: devices arrive evenly spaced, each light (1
 * msg/s) or heavy; the work a broker does is proportional to the messages it carries, and its probe
 * reports it as the dispatcher's probes do: CPU as utilisation of what the broker can use (work
 * over capacity), scaled so that the fleet's utilisation is {@code utilization} at the end. Every
 * {@code reportInterval} each probe reports CPU, client count, message rate and capacity to a real
 * {@link BrokerRegistry}, whose snapshots and window averages the real policy sees, exactly as in
 * the dispatcher. Deterministic for a seed: the policies draw their random choices from it too.
 */
public final class Simulation {
  /** Transients while the first devices arrive say little; the peak is taken after this. */
  static final long WARM_UP_NANOS = 10_000_000_000L;

  private final SimulationOptions options;

  public Simulation(SimulationOptions options) {
    this.options = options;
  }

  public SimulationResult run(PolicyName policyName) {
    SimulationOptions o = options;
    SplittableRandom random = new SplittableRandom(o.seed());
    BrokerPolicy policy = policyName.create(o.window(), random.split());
    BrokerRegistry registry = new BrokerRegistry(o.window(), Duration.ofDays(365));
    int n = o.brokers();
    Object[] owners = new Object[n];
    String[] ids = new String[n];
    double[] capacity = new double[n];
    double totalCapacity = 0;
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ids[i] = "broker-" + (i + 1);
      owners[i] = new Object();
      capacity[i] = o.capacity(i);
      totalCapacity += capacity[i];
      index.put(ids[i], i);
      registry.attach(ids[i], owners[i]);
    }
    double meanDeviceRate = 1 + o.heavyShare() * (o.heavyFactor() - 1);
    double totalRate = o.devices() * meanDeviceRate;
    // Work per message, in capacity-1 brokers: the fleet's utilisation is `utilization` at the end.
    double workPerMessage = o.utilization() * totalCapacity / totalRate;
    long[] devices = new long[n];
    double[] rate = new double[n];
    long spacingNanos = Math.max(1, (long) (1e9 / o.arrivalsPerSecond()));
    long reportNanos = o.reportInterval().toNanos();
    long nextReport = 0;
    long choiceNanos = 0;
    double peak = 0;
    for (long d = 0; d < o.devices(); d++) {
      long now = d * spacingNanos;
      while (nextReport <= now) {
        for (int i = 0; i < n; i++) {
          double utilisation = Math.min(1, rate[i] * workPerMessage / capacity[i]);
          registry.report(
              ids[i],
              owners[i],
              new ProbeMessage.Report(
                  nextReport / 1_000_000,
                  utilisation,
                  0.3,
                  OptionalLong.of(devices[i]),
                  OptionalDouble.of(rate[i]),
                  true,
                  capacity[i],
                  Map.of(Transport.MQTT, ids[i] + ":1883")),
              nextReport);
        }
        if (nextReport >= WARM_UP_NANOS) {
          peak = Math.max(peak, SimulationResult.maxOverMean(rate, capacity));
        }
        nextReport += reportNanos;
      }
      List<BrokerView> usable = registry.snapshot().usable(Transport.MQTT, now);
      long start = System.nanoTime();
      BrokerView chosen =
          policy.choose(usable, new ConnectFacts("d" + d, Transport.MQTT, true, 0), now);
      choiceNanos += System.nanoTime() - start;
      int i =
          Objects.requireNonNull(index.get(Objects.requireNonNull(chosen, "a usable broker").id()));
      devices[i]++;
      rate[i] += random.nextDouble() < o.heavyShare() ? o.heavyFactor() : 1;
    }
    return new SimulationResult(
        policyName.optionName(), devices, rate, capacity, (double) choiceNanos / o.devices(), peak);
  }
}

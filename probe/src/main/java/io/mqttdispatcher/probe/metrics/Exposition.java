package io.mqttdispatcher.probe.metrics;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The wanted names of one scrape: each name's value summed over its series, and the names that were
 * present but unusable, with why.
 *
 * @param sums value per usable name, summed over its series
 * @param unusable reason per name that was present but must not become a number
 */
public record Exposition(Map<String, Double> sums, Map<String, String> unusable) {
  public Exposition {
    sums = Map.copyOf(sums);
    unusable = Map.copyOf(unusable);
  }

  /** The name's total, or empty when it is absent or unusable. */
  public OptionalDouble total(String name) {
    Double v = sums.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** Whether the body had the name at all (usable or not). */
  public boolean present(String name) {
    return sums.containsKey(name) || unusable.containsKey(name);
  }
}

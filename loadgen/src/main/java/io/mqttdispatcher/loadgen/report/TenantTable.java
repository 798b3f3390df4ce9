package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.run.PublisherResult;
import io.mqttdispatcher.loadgen.run.RunOptions;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.util.List;
import java.util.Locale;

/**
 * Where each tenant's publishers went, per strategy: for every tenant (client id prefix), the
 * number of its publishers and their msg/s on each broker. Shows whether routing rules kept tenants
 * on their own brokers and balanced them there.
 */
public final class TenantTable {
  private TenantTable() {}

  /** The table as text, or an empty string when the run had no tenants. */
  public static String render(RunOptions options, List<StrategyResult> results) {
    if (options.tenants().isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    List<String> brokers = results.get(0).brokers();
    for (StrategyResult r : results) {
      out.append(
          String.format(
              Locale.ROOT, "%n%s: publishers (msg/s sent) per broker, by tenant%n", r.strategy()));
      out.append(String.format(Locale.ROOT, "%-12s", "tenant"));
      for (int b = 0; b < brokers.size(); b++) {
        out.append(String.format(Locale.ROOT, "  %16s", "broker " + (b + 1)));
      }
      out.append(String.format(Locale.ROOT, "  %s%n", "none"));
      for (String tenant : options.tenants()) {
        int[] count = new int[brokers.size()];
        double[] rate = new double[brokers.size()];
        int none = 0;
        for (PublisherResult p : r.publishers()) {
          if (!options.tenantOf(p.position()).equals(tenant)) {
            continue;
          }
          int b = p.broker() == null ? -1 : brokers.indexOf(p.broker());
          if (b < 0) {
            none++;
          } else {
            count[b]++;
            rate[b] += p.achievedRate();
          }
        }
        out.append(String.format(Locale.ROOT, "%-12s", tenant));
        for (int b = 0; b < brokers.size(); b++) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "  %16s",
                  count[b] == 0
                      ? "-"
                      : String.format(Locale.ROOT, "%d (%.0f)", count[b], rate[b])));
        }
        out.append(String.format(Locale.ROOT, "  %d%n", none));
      }
    }
    return out.toString();
  }
}

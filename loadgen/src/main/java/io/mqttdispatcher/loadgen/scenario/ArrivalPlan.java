package io.mqttdispatcher.loadgen.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The order publishers arrive in. The same scenario and seed give the same plan, so two strategies
 * compared in one run see the same arrivals.
 */
public final class ArrivalPlan {
  private ArrivalPlan() {}

  /**
   * Arrivals of {@code scenario}. With {@code heavyAt} (1-based) one publisher of the highest-rate
   * group is placed at that position and the others keep the scenario's order around it.
   */
  public static List<PlannedPublisher> of(Scenario scenario, long seed, @Nullable Integer heavyAt) {
    List<PublisherSlot> slots = new ArrayList<>();
    for (PublisherGroup g : scenario.groups()) {
      for (int i = 1; i <= g.count(); i++) {
        slots.add(new PublisherSlot(g.name() + "-" + i, g));
      }
    }
    if (scenario.order() == ArrivalOrder.RANDOM) {
      Collections.shuffle(slots, new Random(seed));
    }
    if (heavyAt != null) {
      if (heavyAt < 1 || heavyAt > slots.size()) {
        throw new IllegalArgumentException(
            "--heavy-at must be within 1.." + slots.size() + ", got " + heavyAt);
      }
      PublisherGroup heaviest =
          scenario.groups().stream()
              .max(Comparator.comparingDouble(PublisherGroup::rate))
              .orElseThrow();
      PublisherSlot heavy =
          slots.stream().filter(s -> s.group() == heaviest).findFirst().orElseThrow();
      slots.remove(heavy);
      slots.add(heavyAt - 1, heavy);
    }
    List<PlannedPublisher> plan = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      PublisherSlot s = slots.get(i);
      plan.add(new PlannedPublisher(i + 1, s.id(), s.group(), scenario.spacing().multipliedBy(i)));
    }
    return List.copyOf(plan);
  }

  private record PublisherSlot(String id, PublisherGroup group) {}
}

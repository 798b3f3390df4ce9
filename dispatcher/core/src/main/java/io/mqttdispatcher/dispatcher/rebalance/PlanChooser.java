package io.mqttdispatcher.dispatcher.rebalance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Chooses a rebalance's donors and recipients from the brokers' connection counts (divided by their
 * capacity), as EMQX does: recipients are the brokers below the mean, donors those above it that
 * are not already within the thresholds of the recipients. Pure: no clock, no sockets.
 */
public final class PlanChooser {
  private PlanChooser() {}

  /** A broker as the chooser sees it. */
  public record Candidate(
      String id,
      long connections,
      double capacity,
      boolean takesNewDevices,
      boolean takesCommands) {
    double load() {
      return connections / capacity;
    }
  }

  /** The choice. */
  public record Choice(List<String> donors, List<String> recipients) {}

  /**
   * Donors and recipients for {@code request} over {@code brokers}.
   *
   * @throws PlanRefused when no plan makes sense, saying why
   */
  public static Choice choose(List<Candidate> brokers, RebalanceRequest request)
      throws PlanRefused {
    Map<String, Candidate> byId = new java.util.LinkedHashMap<>();
    brokers.forEach(b -> byId.put(b.id(), b));
    for (String id : concat(request.donors(), request.recipients())) {
      if (!byId.containsKey(id)) {
        throw new PlanRefused(404, "no connected broker '" + id + "' with a connection count");
      }
    }
    for (String id : request.donors()) {
      if (request.recipients().contains(id)) {
        throw new PlanRefused(400, "broker '" + id + "' cannot be both donor and recipient");
      }
      if (!Objects.requireNonNull(byId.get(id), "checked above").takesCommands()) {
        throw new PlanRefused(
            409, "broker '" + id + "' has a protocol v1 probe, which cannot move devices");
      }
    }
    List<Candidate> active =
        brokers.stream()
            .filter(b -> b.takesNewDevices() || request.donors().contains(b.id()))
            .toList();
    if (active.isEmpty()) {
      throw new PlanRefused(409, "no broker takes devices");
    }
    double mean = active.stream().mapToDouble(Candidate::load).average().orElse(0);
    List<String> recipients = new ArrayList<>(request.recipients());
    if (recipients.isEmpty()) {
      active.stream()
          .filter(b -> b.takesNewDevices() && b.load() < mean && !request.donors().contains(b.id()))
          .forEach(b -> recipients.add(b.id()));
    }
    if (recipients.isEmpty()) {
      throw new PlanRefused(
          409,
          "already balanced: no broker is below the mean of " + Math.round(mean) + " connections");
    }
    double recipientMean = mean(recipients, byId);
    List<String> donors = new ArrayList<>(request.donors());
    if (donors.isEmpty()) {
      Predicate<Candidate> outside =
          b ->
              !withinThresholds(
                  b.load(), recipientMean, request.absThreshold(), request.relThreshold());
      active.stream()
          .filter(b -> b.load() > mean && b.takesCommands() && !recipients.contains(b.id()))
          .filter(outside)
          .forEach(b -> donors.add(b.id()));
    }
    if (donors.isEmpty()) {
      throw new PlanRefused(
          409,
          "already balanced within the thresholds (recipients' mean "
              + Math.round(recipientMean)
              + " connections, absolute "
              + request.absThreshold()
              + ", relative "
              + request.relThreshold()
              + ")");
    }
    return new Choice(List.copyOf(donors), List.copyOf(recipients));
  }

  /**
   * EMQX's rule: a donor is done when below the recipients' mean plus {@code abs}, or below their
   * mean times {@code rel}.
   */
  public static boolean withinThresholds(
      double donorLoad, double recipientMean, double abs, double rel) {
    return donorLoad < recipientMean + abs || donorLoad < recipientMean * rel;
  }

  static double mean(List<String> ids, Map<String, Candidate> byId) {
    return ids.stream().map(byId::get).mapToDouble(Candidate::load).average().orElse(0);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** No plan can be made; {@code status} is the HTTP status that says why. */
  public static final class PlanRefused extends Exception {
    private final int status;

    public PlanRefused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}

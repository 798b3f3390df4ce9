package io.mqttdispatcher.dispatcher.rebalance;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Automatic mode by load: corrects what connect-time placement could not know, a device's traffic.
 * Brokers do not say how much each client sends, so a device is weighed by moving it: when the
 * spread of message rate per unit of capacity between the hottest and the coolest broker stays
 * above the start threshold for {@link Settings#sustain()}, the hottest broker's probe moves one
 * device (the one that connected last, which was placed with the least knowledge) and the drop on
 * that broker once the reports settle is the device's weight ({@link DeviceWeights}). Moves go on
 * one at a time, never a device whose known weight would not narrow the spread by a tenth of the
 * threshold, until the spread is within the threshold, or {@link Settings#maxMovesWithoutGain()}
 * moves in a row did not narrow it; then nothing moves for {@link Settings#coolDown()}, and a new
 * episode needs the spread above the threshold for the sustain time again. It stops at the
 * threshold rather than below it because the best placement of a few heavy devices may itself be
 * above any lower mark: moves past it would be bets that cannot win. Every replica watches every
 * move plan in the probes' reports and learns the same weights, whichever replica asked for the
 * move. Pure: loads, plans and the clock are passed in.
 */
public final class TrafficBalance {
  /**
   * @param sustain how long the spread must stay above the start threshold before moves start
   * @param coolDown no moves start within this time of the last episode's end
   * @param spreadThreshold moves start when the spread exceeds this fraction of the mean load; they
   *     stop once it is within half of it
   * @param minRate spreads of at most this many messages per second (per unit of capacity) never
   *     count as imbalanced, so idle brokers' noise moves nothing
   * @param settle time from a device's move to its weighing: the broker's counters and the probe's
   *     reports need a few intervals to show the drop
   * @param maxMovesWithoutGain moves in a row that did not narrow the spread after which the
   *     episode ends
   * @param maxMovesPerEpisode moves at most in one episode, whatever they gain
   */
  public record Settings(
      Duration sustain,
      Duration coolDown,
      double spreadThreshold,
      double minRate,
      Duration settle,
      int maxMovesWithoutGain,
      int maxMovesPerEpisode) {
    public Settings {
      if (sustain.isNegative() || coolDown.isNegative() || settle.isNegative()) {
        throw new IllegalArgumentException("automatic rebalance times must be 0 or more");
      }
      if (!(spreadThreshold > 0) || Double.isInfinite(spreadThreshold)) {
        throw new IllegalArgumentException(
            "automatic rebalance load spread must be above 0, got " + spreadThreshold);
      }
      if (!(minRate >= 0) || maxMovesWithoutGain < 1 || maxMovesPerEpisode < 1) {
        throw new IllegalArgumentException(
            "automatic rebalance: minimum rate 0 or more, move limits 1 or more");
      }
    }
  }

  /**
   * A broker that takes devices, with its load.
   *
   * @param rate messages per second per unit of capacity
   * @param canMove whether its probe can move devices (protocol v2)
   * @param connections the broker's client count, or -1 when unknown: a broker with one client
   *     cannot hand anything over that narrows the spread (its only device carries all its load)
   */
  public record Load(String id, double rate, boolean canMove, long connections) {
    /** A load whose broker's connection count is unknown. */
    public Load(String id, double rate, boolean canMove) {
      this(id, rate, canMove, -1);
    }
  }

  /**
   * The latest one-device move plan in the probes' reports.
   *
   * @param planId the plan's id (ids sort by start time)
   * @param donor the broker the device is moved off
   * @param active whether the plan still runs (waiting, evicting or holding)
   * @param moved the client ids it moved so far
   */
  public record Move(String planId, String donor, boolean active, List<String> moved) {}

  /** What the caller does at this tick. */
  public enum Action {
    /** Ask {@link Decision#donor()}'s probe to move one device, none of {@link Decision#skip()}. */
    MOVE,
    /** Nothing to do. */
    NONE
  }

  /** Where automatic mode stands (for the status page). */
  public enum State {
    BALANCED,
    WAITING,
    MOVING,
    SETTLING,
    COOLING_DOWN,
    /** Another plan (an operator's rebalance, an evacuation) runs. */
    RUNNING,
    /** Some broker that takes devices reports no message rate, or fewer than two do. */
    NO_RATES,
    /** The hottest broker's probe cannot move devices (protocol v1). */
    NO_MOVER
  }

  /**
   * The decision at one tick.
   *
   * @param donor the hottest broker, for {@link Action#MOVE}
   * @param recipient the coolest broker (where the device is expected to land)
   * @param skip client ids whose known weight would not narrow the spread
   */
  public record Decision(
      Action action,
      State state,
      @Nullable String donor,
      @Nullable String recipient,
      List<String> skip) {
    static Decision none(State state) {
      return new Decision(Action.NONE, state, null, null, List.of());
    }
  }

  /** What one weighing found, kept for the status page and the log. */
  public record Weighing(String clientId, String donor, double weight, boolean gained) {}

  /** Samples of each broker's load kept for the "before" of a weighing. */
  static final int HISTORY = 5;

  /** Decisions take each broker's load as the median of this many of its latest samples. */
  static final int DECIDE_OVER = 3;

  /** A move asked for but not yet seen in any report is awaited this long before asking again. */
  static final Duration ASKED_TIMEOUT = Duration.ofSeconds(5);

  private final Settings settings;
  private final DeviceWeights weights;
  private final Map<String, Deque<Double>> history = new HashMap<>();
  private final Map<String, Deque<Long>> clientHistory = new HashMap<>();
  private @Nullable Long imbalancedSinceNanos;
  private @Nullable Long episodeEndNanos;
  private boolean inEpisode;
  private int movesWithoutGain;
  private int episodeMoves;
  private @Nullable Long askedNanos;
  private @Nullable String lastProcessedPlan;
  private @Nullable Pending pending;
  private @Nullable Weighing lastWeighing;
  private long moves;

  /** A move being followed: what the donor carried before it, and when the device left. */
  private static final class Pending {
    final String planId;
    final String donor;
    final double before;
    final double spreadBefore;
    final double meanBefore;
    @Nullable String clientId;
    long movedNanos;

    Pending(String planId, String donor, double before, double spreadBefore, double meanBefore) {
      this.planId = planId;
      this.donor = donor;
      this.before = before;
      this.spreadBefore = spreadBefore;
      this.meanBefore = meanBefore;
    }
  }

  public TrafficBalance(Settings settings, DeviceWeights weights) {
    this.settings = settings;
    this.weights = weights;
  }

  public Settings settings() {
    return settings;
  }

  public DeviceWeights weights() {
    return weights;
  }

  /**
   * One tick at {@code nowNanos}: {@code loads} of the brokers that take devices (and the donor of
   * a running move), {@code hasRates} false when some such broker reports no message rate, the
   * latest move plan seen in the reports (or null), and whether another plan runs.
   */
  public Decision tick(
      long nowNanos,
      List<Load> loads,
      boolean hasRates,
      @Nullable Move latestMove,
      boolean otherPlanRunning) {
    for (Load l : loads) {
      Deque<Double> h = history.computeIfAbsent(l.id(), k -> new ArrayDeque<>());
      h.addLast(l.rate());
      while (h.size() > HISTORY) {
        h.removeFirst();
      }
    }
    for (Load l : loads) {
      Deque<Long> h = clientHistory.computeIfAbsent(l.id(), k -> new ArrayDeque<>());
      h.addLast(l.connections());
      while (h.size() > DECIDE_OVER) {
        h.removeFirst();
      }
    }
    history.keySet().removeIf(id -> loads.stream().noneMatch(l -> l.id().equals(id)));
    clientHistory.keySet().retainAll(history.keySet());
    List<Load> current = smoothed(loads);
    Spread spread = Spread.of(current);
    State following = follow(nowNanos, current, spread, latestMove);
    if (following != null) {
      imbalancedSinceNanos = null;
      return Decision.none(following);
    }
    if (otherPlanRunning) {
      imbalancedSinceNanos = null;
      return Decision.none(State.RUNNING);
    }
    if (!hasRates || current.size() < 2) {
      imbalancedSinceNanos = null;
      return Decision.none(State.NO_RATES);
    }
    if (inEpisode) {
      if (!spread.above(settings.spreadThreshold(), settings.minRate())) {
        endEpisode(nowNanos);
        return Decision.none(State.BALANCED);
      }
      if (movesWithoutGain >= settings.maxMovesWithoutGain()
          || episodeMoves >= settings.maxMovesPerEpisode()) {
        endEpisode(nowNanos);
        return Decision.none(State.COOLING_DOWN);
      }
      return move(nowNanos, current, spread);
    }
    if (!spread.above(settings.spreadThreshold(), settings.minRate())) {
      imbalancedSinceNanos = null;
      return Decision.none(State.BALANCED);
    }
    if (imbalancedSinceNanos == null) {
      imbalancedSinceNanos = nowNanos;
    }
    if (nowNanos - imbalancedSinceNanos < settings.sustain().toNanos()) {
      return Decision.none(State.WAITING);
    }
    if (episodeEndNanos != null && nowNanos - episodeEndNanos < settings.coolDown().toNanos()) {
      return Decision.none(State.COOLING_DOWN);
    }
    inEpisode = true;
    movesWithoutGain = 0;
    episodeMoves = 0;
    return move(nowNanos, current, spread);
  }

  /**
   * {@code loads} as decisions see them: each rate the median of that broker's last {@link
   * #DECIDE_OVER} samples, this one included, so one report that reads high or low (a publisher
   * catching up, a counter published late) neither starts nor continues moves, nor chooses the
   * donor; each client count the fewest of those samples (unknown when the latest is), so a client
   * that is there for a moment (a health check the broker counted) does not hide that the hottest
   * broker has a single device.
   */
  private List<Load> smoothed(List<Load> loads) {
    List<Load> out = new ArrayList<>(loads.size());
    for (Load l : loads) {
      long fewest = Long.MAX_VALUE;
      for (long c : clientHistory.getOrDefault(l.id(), new ArrayDeque<>())) {
        fewest = c < 0 ? fewest : Math.min(fewest, c);
      }
      long clients = l.connections() < 0 || fewest == Long.MAX_VALUE ? -1 : fewest;
      out.add(new Load(l.id(), median(history.get(l.id()), DECIDE_OVER), l.canMove(), clients));
    }
    return out;
  }

  /** The caller asked a probe for the move at {@code nowNanos}. */
  public void asked(long nowNanos) {
    askedNanos = nowNanos;
    episodeMoves++;
    moves++;
  }

  /** How long the current imbalance has lasted, or zero. */
  public Duration imbalancedFor(long nowNanos) {
    return imbalancedSinceNanos == null
        ? Duration.ZERO
        : Duration.ofNanos(nowNanos - imbalancedSinceNanos);
  }

  public @Nullable Weighing lastWeighing() {
    return lastWeighing;
  }

  /** Moves this replica asked for. */
  public long moves() {
    return moves;
  }

  /** Follows the latest move plan; a state while one is in progress, null when none is. */
  private @Nullable State follow(
      long nowNanos, List<Load> loads, Spread spread, @Nullable Move latestMove) {
    if (latestMove != null
        && !latestMove.planId().equals(lastProcessedPlan)
        && (pending == null || !pending.planId.equals(latestMove.planId()))) {
      // A new move plan (ours or another replica's): what the donor carries now is the "before";
      // the plan waits a moment before it moves anything, so the drop is not in these samples yet.
      askedNanos = null;
      if (!latestMove.active()) { // ended before this replica saw it run: nothing to weigh
        lastProcessedPlan = latestMove.planId();
        return null;
      }
      pending =
          new Pending(
              latestMove.planId(),
              latestMove.donor(),
              median(history.get(latestMove.donor()), HISTORY),
              spread.spread(),
              spread.mean());
      if (!inEpisode) { // another replica started the episode
        inEpisode = true;
        movesWithoutGain = 0;
        episodeMoves = 0;
      }
    }
    Pending p = pending;
    if (p == null) {
      if (askedNanos != null && nowNanos - askedNanos < ASKED_TIMEOUT.toNanos()) {
        return State.MOVING;
      }
      askedNanos = null;
      return null;
    }
    Move same = latestMove != null && latestMove.planId().equals(p.planId) ? latestMove : null;
    if (p.clientId == null && same != null && !same.moved().isEmpty()) {
      p.clientId = same.moved().get(same.moved().size() - 1);
      p.movedNanos = nowNanos;
    }
    String moved = p.clientId;
    if (moved == null) {
      if (same != null && same.active()) {
        return State.MOVING;
      }
      // Ended without moving anything: the hottest broker has no device it may move.
      lastProcessedPlan = p.planId;
      pending = null;
      movesWithoutGain = settings.maxMovesWithoutGain();
      return null;
    }
    if (nowNanos - p.movedNanos < settings.settle().toNanos()) {
      return State.SETTLING;
    }
    Deque<Double> h = history.get(p.donor);
    if (h != null && !Double.isNaN(p.before)) {
      double after = median(h, 3);
      double weight = Math.max(0, p.before - after);
      weights.learned(moved, weight);
      boolean gained = spread.spread() < p.spreadBefore - minGain(p.meanBefore) || loads.size() < 2;
      movesWithoutGain = gained ? 0 : movesWithoutGain + 1;
      lastWeighing = new Weighing(moved, p.donor, weight, gained);
    } else {
      movesWithoutGain++; // the donor is gone: nothing learned
    }
    lastProcessedPlan = p.planId;
    pending = null;
    return null;
  }

  private Decision move(long nowNanos, List<Load> loads, Spread spread) {
    Load hottest = spread.hottest();
    Load coolest = spread.coolest();
    if (!hottest.canMove()) {
      return Decision.none(State.NO_MOVER);
    }
    if (hottest.connections() == 1) {
      // Its one device would land on a cooler broker with all of its load: never narrower.
      endEpisode(nowNanos);
      return Decision.none(State.COOLING_DOWN);
    }
    double gain = minGain(spread.mean());
    List<String> skip = new ArrayList<>();
    for (Map.Entry<String, Double> e : weights.newestFirst()) {
      if (skip.size() >= io.mqttdispatcher.protocol.EvictionPlan.MAX_SKIP) {
        break;
      }
      double after = spreadAfterMove(loads, hottest.id(), coolest.id(), e.getValue());
      if (after >= spread.spread() - gain) {
        skip.add(e.getKey());
      }
    }
    return new Decision(Action.MOVE, State.MOVING, hottest.id(), coolest.id(), List.copyOf(skip));
  }

  /**
   * The least narrowing a move must bring to count as a gain: a tenth of the start threshold, so
   * that noise in the reports does not count.
   */
  private double minGain(double mean) {
    return Math.max(settings.minRate() / 2, settings.spreadThreshold() * mean / 10);
  }

  private void endEpisode(long nowNanos) {
    inEpisode = false;
    episodeEndNanos = nowNanos;
    imbalancedSinceNanos = null;
  }

  /** The spread if {@code weight} moved from {@code from} to {@code to}. */
  static double spreadAfterMove(List<Load> loads, String from, String to, double weight) {
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (Load l : loads) {
      double r = l.rate();
      if (l.id().equals(from)) {
        r -= weight;
      } else if (l.id().equals(to)) {
        r += weight;
      }
      max = Math.max(max, r);
      min = Math.min(min, r);
    }
    return max - min;
  }

  /**
   * The median of the last {@code last} samples: a publisher catching up after its move, or a
   * report that straddles it, shows as one odd sample, which a median ignores.
   */
  private static double median(@Nullable Deque<Double> samples, int last) {
    if (samples == null || samples.isEmpty()) {
      return Double.NaN;
    }
    List<Double> all = new ArrayList<>(samples);
    List<Double> tail = new ArrayList<>(all.subList(Math.max(0, all.size() - last), all.size()));
    java.util.Collections.sort(tail);
    int n = tail.size();
    return n % 2 == 1 ? tail.get(n / 2) : (tail.get(n / 2 - 1) + tail.get(n / 2)) / 2;
  }

  /** Hottest, coolest, spread and mean of some loads. */
  record Spread(Load hottest, Load coolest, double spread, double mean) {
    static Spread of(List<Load> loads) {
      if (loads.isEmpty()) {
        Load none = new Load("", 0, false);
        return new Spread(none, none, 0, 0);
      }
      Load hot = loads.get(0);
      Load cool = loads.get(0);
      double sum = 0;
      for (Load l : loads) {
        hot = l.rate() > hot.rate() ? l : hot;
        cool = l.rate() < cool.rate() ? l : cool;
        sum += l.rate();
      }
      return new Spread(hot, cool, hot.rate() - cool.rate(), sum / loads.size());
    }

    boolean above(double fractionOfMean, double minRate) {
      return spread > minRate && spread > fractionOfMean * mean;
    }
  }
}

package dev.modelyard.workflows.autoscaling;

import java.time.Duration;
import java.util.Locale;

/**
 * The autoscaling decision, as a pure function of the policy, the current count, the load and three
 * times: no I/O and no clock, so that a workflow can call it and a test can prove every rule. In
 * order of precedence:
 *
 * <ol>
 *   <li>Outside {@code min..max}: back to the nearest bound, at once.
 *   <li>At zero: hold; the gateway's cold start (not the load, which no instance is there to see)
 *       brings the first replica back.
 *   <li>With {@code min} 0, no request for the idle period: to zero.
 *   <li>Busy (in flight per replica above the target, or p95 latency above its ceiling while every
 *       replica has a request in flight and at least {@link #LATENCY_MIN_REQUESTS} ended): up to
 *       what carries the load at the target, at least one more, at most {@code max}, once the
 *       scale-up cooldown has passed since the last change.
 *   <li>Well below the target (the remaining replicas would each carry at most {@link
 *       #SCALE_DOWN_UTILISATION} of it) and not above the latency ceiling: down to that count, at
 *       least one and {@code min}, once the scale-down cooldown has passed since the last change.
 *   <li>Otherwise hold.
 * </ol>
 *
 * The band between {@link #SCALE_DOWN_UTILISATION} and 1 of the target is where the count holds, so
 * that a steady load does not make it flap.
 */
public final class Autoscaler {

  /**
   * Scale down only to a count whose replicas would each carry at most this share of the target.
   */
  public static final double SCALE_DOWN_UTILISATION = 0.7;

  /** A percentile of fewer calls than this says more about one prompt than about the load. */
  public static final int LATENCY_MIN_REQUESTS = 5;

  private Autoscaler() {}

  /**
   * @param current the deployment's desired count now
   * @param nowMillis the time of this evaluation
   * @param lastChangeMillis when the desired count last changed, for the cooldowns
   * @param lastActiveMillis when a request was last seen (or autoscaling began), for the idle
   *     period
   */
  public static ScalingDecision decide(
      AutoscalingPolicy policy,
      int current,
      LoadSummary load,
      long nowMillis,
      long lastChangeMillis,
      long lastActiveMillis) {
    if (current < policy.minReplicas()) {
      return new ScalingDecision(
          current,
          policy.minReplicas(),
          "below the minimum of %d replicas".formatted(policy.minReplicas()));
    }
    if (current > policy.maxReplicas()) {
      return new ScalingDecision(
          current,
          policy.maxReplicas(),
          "above the maximum of %d replicas".formatted(policy.maxReplicas()));
    }
    if (current == 0) {
      return ScalingDecision.hold(0, "scaled to zero; the next request starts an instance");
    }
    if (policy.minReplicas() == 0 && !load.active()) {
      Duration idle = Duration.ofMillis(nowMillis - lastActiveMillis);
      if (idle.compareTo(policy.idlePeriod()) >= 0) {
        return new ScalingDecision(
            current,
            0,
            "no request for %s (idle period %s)"
                .formatted(human(idle), human(policy.idlePeriod())));
      }
    }
    double perReplica = load.averageInFlight() / current;
    String busy = busy(policy, load, perReplica);
    if (busy != null) {
      int wanted =
          Math.max(
              current + 1, replicasFor(load.averageInFlight(), policy.targetInFlightPerReplica()));
      int target = Math.min(wanted, policy.maxReplicas());
      if (target <= current) {
        return ScalingDecision.hold(
            current,
            "at the maximum of %d replicas although %s".formatted(policy.maxReplicas(), busy));
      }
      Duration wait = remaining(policy.scaleUpCooldown(), nowMillis, lastChangeMillis);
      if (!wait.isZero()) {
        return ScalingDecision.hold(
            current, "%s, but the scale-up cooldown has %s to run".formatted(busy, human(wait)));
      }
      return new ScalingDecision(current, target, busy);
    }
    int enough =
        Math.max(
            Math.max(policy.minReplicas(), 1),
            replicasFor(
                load.averageInFlight(),
                policy.targetInFlightPerReplica() * SCALE_DOWN_UTILISATION));
    if (enough < current && !aboveCeiling(policy, load)) {
      String quiet =
          "%s in flight per replica is well below the target of %s; %d replicas carry it"
              .formatted(decimal(perReplica), decimal(policy.targetInFlightPerReplica()), enough);
      Duration wait = remaining(policy.scaleDownCooldown(), nowMillis, lastChangeMillis);
      if (!wait.isZero()) {
        return ScalingDecision.hold(
            current, "%s, but the scale-down cooldown has %s to run".formatted(quiet, human(wait)));
      }
      return new ScalingDecision(current, enough, quiet);
    }
    return ScalingDecision.hold(
        current,
        "%s in flight per replica is within the target of %s"
            .formatted(decimal(perReplica), decimal(policy.targetInFlightPerReplica())));
  }

  /** Why the replicas are too few, or null when they are not. */
  private static String busy(AutoscalingPolicy policy, LoadSummary load, double perReplica) {
    if (perReplica > policy.targetInFlightPerReplica()) {
      return "%s in flight per replica is above the target of %s"
          .formatted(decimal(perReplica), decimal(policy.targetInFlightPerReplica()));
    }
    // Slow calls on idle replicas are slow prompts, which more replicas would not speed up.
    if (aboveCeiling(policy, load) && perReplica >= 1) {
      return "p95 latency %d ms is above the ceiling of %d ms"
          .formatted(load.p95Latency().toMillis(), policy.p95LatencyCeiling().toMillis());
    }
    return null;
  }

  private static boolean aboveCeiling(AutoscalingPolicy policy, LoadSummary load) {
    return policy.p95LatencyCeiling() != null
        && load.p95Latency() != null
        && load.requests() >= LATENCY_MIN_REQUESTS
        && load.p95Latency().compareTo(policy.p95LatencyCeiling()) > 0;
  }

  /** The fewest replicas that carry {@code inFlight} at {@code perReplica} each. */
  static int replicasFor(double inFlight, double perReplica) {
    // Capped before the cast: a count far above any maximum is only compared with it.
    return (int) Math.min(Math.ceil(inFlight / perReplica), 1_000_000);
  }

  private static Duration remaining(Duration cooldown, long nowMillis, long lastChangeMillis) {
    long left = lastChangeMillis + cooldown.toMillis() - nowMillis;
    return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
  }

  static String decimal(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** "15m", "1m30s", "2.5s": short enough for a reason shown in a status line. */
  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 10_000 && millis % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0 || text.isEmpty()) {
      text.append(rest).append('s');
    }
    return text.toString();
  }
}

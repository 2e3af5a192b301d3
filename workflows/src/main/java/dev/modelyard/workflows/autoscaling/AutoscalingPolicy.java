package dev.modelyard.workflows.autoscaling;

import java.time.Duration;

/**
 * How a deployment follows its load. Null components take the defaults, so that a caller names only
 * what it changes; every value is checked here, with the bad value in the message, except that
 * waits above their bounds are capped (see {@link #MAX_WAIT}).
 *
 * @param minReplicas never fewer; 0 allows scaling to zero after {@code idlePeriod}
 * @param maxReplicas never more
 * @param targetInFlightPerReplica the requests in flight one replica should carry on average; more
 *     scales up, well below ({@link Autoscaler#SCALE_DOWN_UTILISATION} of it) scales down
 * @param p95LatencyCeiling scale up while the 95th percentile of latency is above it (and replicas
 *     are busy); null: latency is not looked at
 * @param scaleUpCooldown the least time after any change before the next scale-up
 * @param scaleDownCooldown the least time after any change before the next scale-down
 * @param idlePeriod with {@code minReplicas} 0: no request for this long scales to zero
 * @param evaluationInterval how often the load is read and a decision made
 * @param metricsWindow how far back each evaluation looks at the load
 */
public record AutoscalingPolicy(
    int minReplicas,
    int maxReplicas,
    Double targetInFlightPerReplica,
    Duration p95LatencyCeiling,
    Duration scaleUpCooldown,
    Duration scaleDownCooldown,
    Duration idlePeriod,
    Duration evaluationInterval,
    Duration metricsWindow) {

  public static final double DEFAULT_TARGET_IN_FLIGHT = 4;
  public static final Duration DEFAULT_SCALE_UP_COOLDOWN = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SCALE_DOWN_COOLDOWN = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDLE_PERIOD = Duration.ofMinutes(15);
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_METRICS_WINDOW = Duration.ofMinutes(1);

  /** Load samples are kept for a few hours; a longer window would read past them. */
  public static final Duration MAX_METRICS_WINDOW = Duration.ofHours(1);

  /** Shorter evaluations would flood the deployment's history with timers and activities. */
  public static final Duration MIN_EVALUATION_INTERVAL = Duration.ofSeconds(1);

  /**
   * The longest cooldown, idle period and evaluation interval: a policy that waits longer hardly
   * scales at all, and the bound keeps every duration far from overflowing as milliseconds, which
   * the autoscaler reads them as inside the deployment workflow. The API refuses more (a 400 naming
   * the field); here a longer wait is capped rather than refused, because deployments started
   * before the bound existed carry such policies in their histories, and refusing them would stop
   * those workflows replaying.
   */
  public static final Duration MAX_WAIT = Duration.ofDays(30);

  /** No generation waits this long; a larger ceiling only looks like one. Capped like a wait. */
  public static final Duration MAX_P95_LATENCY_CEILING = Duration.ofHours(1);

  public AutoscalingPolicy {
    targetInFlightPerReplica =
        targetInFlightPerReplica != null ? targetInFlightPerReplica : DEFAULT_TARGET_IN_FLIGHT;
    scaleUpCooldown = scaleUpCooldown != null ? scaleUpCooldown : DEFAULT_SCALE_UP_COOLDOWN;
    scaleDownCooldown = scaleDownCooldown != null ? scaleDownCooldown : DEFAULT_SCALE_DOWN_COOLDOWN;
    idlePeriod = idlePeriod != null ? idlePeriod : DEFAULT_IDLE_PERIOD;
    evaluationInterval =
        evaluationInterval != null ? evaluationInterval : DEFAULT_EVALUATION_INTERVAL;
    metricsWindow = metricsWindow != null ? metricsWindow : DEFAULT_METRICS_WINDOW;
    if (minReplicas < 0) {
      throw new IllegalArgumentException("min_replicas must not be negative, was " + minReplicas);
    }
    if (maxReplicas < 1) {
      throw new IllegalArgumentException("max_replicas must be at least 1, was " + maxReplicas);
    }
    if (minReplicas > maxReplicas) {
      throw new IllegalArgumentException(
          "min_replicas must not exceed max_replicas, was %d > %d"
              .formatted(minReplicas, maxReplicas));
    }
    if (!(targetInFlightPerReplica > 0) || targetInFlightPerReplica.isInfinite()) {
      throw new IllegalArgumentException(
          "target_in_flight_per_replica must be positive, was " + targetInFlightPerReplica);
    }
    if (p95LatencyCeiling != null) {
      positive("p95_latency_ceiling", p95LatencyCeiling);
      p95LatencyCeiling = atMost(p95LatencyCeiling, MAX_P95_LATENCY_CEILING);
    }
    notNegative("scale_up_cooldown", scaleUpCooldown);
    scaleUpCooldown = atMost(scaleUpCooldown, MAX_WAIT);
    notNegative("scale_down_cooldown", scaleDownCooldown);
    scaleDownCooldown = atMost(scaleDownCooldown, MAX_WAIT);
    positive("idle_period", idlePeriod);
    idlePeriod = atMost(idlePeriod, MAX_WAIT);
    positive("metrics_window", metricsWindow);
    if (metricsWindow.compareTo(MAX_METRICS_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "metrics_window must be at most " + MAX_METRICS_WINDOW + ", was " + metricsWindow);
    }
    if (evaluationInterval.compareTo(MIN_EVALUATION_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "evaluation_interval must be at least "
              + MIN_EVALUATION_INTERVAL
              + ", was "
              + evaluationInterval);
    }
    evaluationInterval = atMost(evaluationInterval, MAX_WAIT);
  }

  /** A policy between these bounds with every other value at its default. */
  public static AutoscalingPolicy between(int minReplicas, int maxReplicas) {
    return new AutoscalingPolicy(
        minReplicas, maxReplicas, null, null, null, null, null, null, null);
  }

  public AutoscalingPolicy withTargetInFlightPerReplica(double target) {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        target,
        p95LatencyCeiling,
        scaleUpCooldown,
        scaleDownCooldown,
        idlePeriod,
        evaluationInterval,
        metricsWindow);
  }

  public AutoscalingPolicy withP95LatencyCeiling(Duration ceiling) {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        targetInFlightPerReplica,
        ceiling,
        scaleUpCooldown,
        scaleDownCooldown,
        idlePeriod,
        evaluationInterval,
        metricsWindow);
  }

  public AutoscalingPolicy withCooldowns(Duration scaleUp, Duration scaleDown) {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        targetInFlightPerReplica,
        p95LatencyCeiling,
        scaleUp,
        scaleDown,
        idlePeriod,
        evaluationInterval,
        metricsWindow);
  }

  public AutoscalingPolicy withIdlePeriod(Duration idle) {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        targetInFlightPerReplica,
        p95LatencyCeiling,
        scaleUpCooldown,
        scaleDownCooldown,
        idle,
        evaluationInterval,
        metricsWindow);
  }

  public AutoscalingPolicy withEvaluation(Duration interval, Duration window) {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        targetInFlightPerReplica,
        p95LatencyCeiling,
        scaleUpCooldown,
        scaleDownCooldown,
        idlePeriod,
        interval,
        window);
  }

  /** The count this policy allows closest to {@code replicas}. */
  public int clamp(int replicas) {
    return Math.clamp(replicas, minReplicas, maxReplicas);
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static Duration atMost(Duration value, Duration max) {
    return value.compareTo(max) > 0 ? max : value;
  }

  private static void notNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}

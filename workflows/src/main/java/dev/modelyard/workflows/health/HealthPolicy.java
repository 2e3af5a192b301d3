package dev.modelyard.workflows.health;

import java.time.Duration;

/**
 * What the health-check loop does and how often. Null components take the defaults, so that the
 * worker's configuration only names what it changes and older histories still read.
 *
 * @param interval time between two rounds of probes
 * @param suspectInterval time between rounds while an instance has failed its last probe, so that a
 *     dead instance reaches {@code failuresBeforeRestart} in seconds, not in minutes
 * @param roundsPerRun rounds before the loop continues as new, which bounds its history
 * @param failuresBeforeRestart consecutive failed probes that hand an instance to a restart
 * @param livenessTimeout how long {@code GET /health} may take
 * @param generationTimeout how long the one-token generation may take before the instance counts as
 *     busy (it answered its liveness check) or failed (it did not)
 * @param startingTooLong an instance still {@code starting} after this is checked like any other
 * @param scoring how the score is computed
 * @param restart how a restart is attempted
 */
public record HealthPolicy(
    Duration interval,
    Duration suspectInterval,
    Integer roundsPerRun,
    Integer failuresBeforeRestart,
    Duration livenessTimeout,
    Duration generationTimeout,
    Duration startingTooLong,
    ScoringPolicy scoring,
    RestartPolicy restart) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SUSPECT_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_ROUNDS_PER_RUN = 100;
  public static final int DEFAULT_FAILURES_BEFORE_RESTART = 3;
  public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_GENERATION_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_STARTING_TOO_LONG = Duration.ofMinutes(20);

  public static final HealthPolicy DEFAULTS =
      new HealthPolicy(null, null, null, null, null, null, null, null, null);

  public HealthPolicy {
    interval = interval != null ? interval : DEFAULT_INTERVAL;
    suspectInterval = suspectInterval != null ? suspectInterval : DEFAULT_SUSPECT_INTERVAL;
    roundsPerRun = roundsPerRun != null ? roundsPerRun : DEFAULT_ROUNDS_PER_RUN;
    failuresBeforeRestart =
        failuresBeforeRestart != null ? failuresBeforeRestart : DEFAULT_FAILURES_BEFORE_RESTART;
    livenessTimeout = livenessTimeout != null ? livenessTimeout : DEFAULT_LIVENESS_TIMEOUT;
    generationTimeout = generationTimeout != null ? generationTimeout : DEFAULT_GENERATION_TIMEOUT;
    startingTooLong = startingTooLong != null ? startingTooLong : DEFAULT_STARTING_TOO_LONG;
    scoring = scoring != null ? scoring : ScoringPolicy.DEFAULTS;
    restart = restart != null ? restart : RestartPolicy.DEFAULTS;
    positive("interval", interval);
    positive("suspectInterval", suspectInterval);
    positive("livenessTimeout", livenessTimeout);
    positive("generationTimeout", generationTimeout);
    positive("startingTooLong", startingTooLong);
    if (suspectInterval.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "suspectInterval must not be longer than interval, was "
              + suspectInterval
              + " and "
              + interval);
    }
    if (roundsPerRun < 1) {
      throw new IllegalArgumentException("roundsPerRun must be at least 1, was " + roundsPerRun);
    }
    if (failuresBeforeRestart < 1) {
      throw new IllegalArgumentException(
          "failuresBeforeRestart must be at least 1, was " + failuresBeforeRestart);
    }
  }

  public HealthPolicy withInterval(Duration interval, Duration suspectInterval) {
    return new HealthPolicy(
        interval,
        suspectInterval,
        roundsPerRun,
        failuresBeforeRestart,
        livenessTimeout,
        generationTimeout,
        startingTooLong,
        scoring,
        restart);
  }

  /** The longest one probe may take: its liveness check, then its generation. */
  Duration probeBudget() {
    return livenessTimeout.plus(generationTimeout);
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}

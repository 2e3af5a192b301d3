package dev.modelyard.workflows.health;

import java.time.Duration;

/**
 * How an instance is restarted: bounded attempts, exponential backoff between them. Null components
 * take the defaults.
 *
 * @param maxAttempts attempts before the instance is marked failed
 * @param initialBackoff wait after the first failed attempt
 * @param backoffMultiplier each further wait is this much longer
 * @param maxBackoff the longest wait
 * @param startTimeout how long one start (model load plus readiness probe) may take
 */
public record RestartPolicy(
    Integer maxAttempts,
    Duration initialBackoff,
    Double backoffMultiplier,
    Duration maxBackoff,
    Duration startTimeout) {

  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(2);
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

  /** As long as a load's start may take: a model that loads must also restart. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(15);

  public static final RestartPolicy DEFAULTS = new RestartPolicy(null, null, null, null, null);

  public RestartPolicy {
    maxAttempts = maxAttempts != null ? maxAttempts : DEFAULT_MAX_ATTEMPTS;
    initialBackoff = initialBackoff != null ? initialBackoff : DEFAULT_INITIAL_BACKOFF;
    backoffMultiplier = backoffMultiplier != null ? backoffMultiplier : DEFAULT_BACKOFF_MULTIPLIER;
    maxBackoff = maxBackoff != null ? maxBackoff : DEFAULT_MAX_BACKOFF;
    startTimeout = startTimeout != null ? startTimeout : DEFAULT_START_TIMEOUT;
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff, was " + initialBackoff + " and " + maxBackoff);
    }
    if (backoffMultiplier < 1) {
      throw new IllegalArgumentException(
          "backoffMultiplier must be at least 1, was " + backoffMultiplier);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
    }
  }

  /** The wait after failed attempt {@code attempt} (1-based): initial × multiplier^(attempt−1). */
  public Duration backoffAfter(int attempt) {
    double millis = initialBackoff.toMillis() * Math.pow(backoffMultiplier, attempt - 1);
    return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(Math.round(millis));
  }
}

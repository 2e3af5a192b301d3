package dev.modelyard.workflows.maintenance;

import java.time.Duration;

/**
 * How long things may linger before cleanup removes them.
 *
 * @param idleTtl a model none of whose instances was used (or, never used, started) for this long
 *     is unloaded
 * @param startingGrace an instance still {@code starting} this long after its last change, with no
 *     load or restart running for it, is recorded failed
 * @param partialGrace a {@code .partial} download not written to for this long, with no pull
 *     running for it, is deleted
 * @param auditRetention request audit rows older than this are deleted
 * @param historyRetention instance events, scaling decisions and instances stopped or failed that
 *     are older than this are deleted
 * @param costRetention cost records older than this are deleted; at least {@link
 *     #MIN_COST_RETENTION}, so that the month's cost limit sees the whole month
 */
public record CleanupPolicy(
    Duration idleTtl,
    Duration startingGrace,
    Duration partialGrace,
    Duration auditRetention,
    Duration historyRetention,
    Duration costRetention) {

  public static final Duration DEFAULT_IDLE_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_STARTING_GRACE = Duration.ofMinutes(30);
  public static final Duration DEFAULT_PARTIAL_GRACE = Duration.ofHours(24);
  public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(30);
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(90);
  public static final Duration DEFAULT_COST_RETENTION = Duration.ofDays(400);
  public static final Duration MIN_COST_RETENTION = Duration.ofDays(32);

  public static final CleanupPolicy DEFAULTS =
      new CleanupPolicy(null, null, null, null, null, null);

  public CleanupPolicy {
    idleTtl = positive(idleTtl, DEFAULT_IDLE_TTL, "idle-ttl");
    startingGrace = positive(startingGrace, DEFAULT_STARTING_GRACE, "starting-grace");
    partialGrace = positive(partialGrace, DEFAULT_PARTIAL_GRACE, "partial-grace");
    auditRetention = positive(auditRetention, DEFAULT_AUDIT_RETENTION, "audit-retention");
    historyRetention = positive(historyRetention, DEFAULT_HISTORY_RETENTION, "history-retention");
    costRetention = positive(costRetention, DEFAULT_COST_RETENTION, "cost-retention");
    if (costRetention.compareTo(MIN_COST_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "cost-retention must be at least "
              + MIN_COST_RETENTION
              + " (the month's cost limit sums the month's records), was "
              + costRetention);
    }
  }

  private static Duration positive(Duration value, Duration otherwise, String name) {
    if (value == null) {
      return otherwise;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }
}

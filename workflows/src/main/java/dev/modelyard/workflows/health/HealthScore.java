package dev.modelyard.workflows.health;

/**
 * The 0–100 health score: a pure function of an instance's recent probes. It starts at 100 and
 * loses
 *
 * <ul>
 *   <li>up to {@value #LATENCY_WEIGHT} for slowness: the latency moving average over the baseline
 *       (the lowest moving average since the instance became ready, at least the floor), nothing up
 *       to {@code slowRatio}, all of it at {@code saturatedRatio}, linearly between (an instance
 *       busy from its first probe on is measured against the floor);
 *   <li>up to {@value #ERROR_WEIGHT} for the share of failed probes in the window;
 *   <li>{@value #STREAK_WEIGHT} for each consecutive failure up to now.
 * </ul>
 *
 * A busy instance (slow, or queued past the generation timeout) therefore never drops below {@code
 * 100 - LATENCY_WEIGHT}: it gets less traffic, but only failures make it unhealthy or restart it.
 */
public final class HealthScore {

  public static final int LATENCY_WEIGHT = 50;
  public static final int ERROR_WEIGHT = 40;
  public static final int STREAK_WEIGHT = 25;

  private HealthScore() {}

  /**
   * @param latencyEwmaMillis moving average of answered (and busy) probe latencies; null when none
   * @param baselineMillis the instance's baseline latency; null when it has not answered yet
   * @param failuresInWindow failed probes among the last {@code samplesInWindow}
   * @param samplesInWindow probes in the window, 0 when none yet
   * @param consecutiveFailures failed probes in a row, up to the latest
   */
  public static int of(
      Double latencyEwmaMillis,
      Double baselineMillis,
      int failuresInWindow,
      int samplesInWindow,
      int consecutiveFailures,
      ScoringPolicy policy) {
    double score = 100;
    if (latencyEwmaMillis != null) {
      // Busy from its first probe on, an instance has no baseline yet: measure it against the
      // floor.
      double floor = policy.baselineFloor().toMillis();
      double baseline = baselineMillis != null ? Math.max(baselineMillis, floor) : floor;
      double ratio = latencyEwmaMillis / baseline;
      double slowness =
          (ratio - policy.slowRatio()) / (policy.saturatedRatio() - policy.slowRatio());
      score -= LATENCY_WEIGHT * clamp(slowness);
    }
    if (samplesInWindow > 0) {
      score -= ERROR_WEIGHT * clamp((double) failuresInWindow / samplesInWindow);
    }
    score -= STREAK_WEIGHT * (double) consecutiveFailures;
    return (int) Math.round(Math.max(0, Math.min(100, score)));
  }

  private static double clamp(double value) {
    return Math.max(0, Math.min(1, value));
  }
}

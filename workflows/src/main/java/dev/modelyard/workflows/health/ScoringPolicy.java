package dev.modelyard.workflows.health;

import java.time.Duration;

/**
 * How a health score is computed from recent probes (see {@link HealthScore}). Null components take
 * the defaults, so that a policy recorded in an older history still reads.
 *
 * @param window how many recent probes the error rate covers
 * @param ewmaAlpha weight of the newest latency in the moving average (0 &lt; alpha &le; 1)
 * @param slowRatio average latency over baseline above which the score starts to drop
 * @param saturatedRatio latency ratio at which the latency penalty is full
 * @param baselineFloor the smallest baseline, so that loopback jitter of a few milliseconds is not
 *     taken for slowness
 * @param unhealthyBelow a score under this marks the instance unhealthy
 */
public record ScoringPolicy(
    Integer window,
    Double ewmaAlpha,
    Double slowRatio,
    Double saturatedRatio,
    Duration baselineFloor,
    Integer unhealthyBelow) {

  public static final int DEFAULT_WINDOW = 20;
  public static final double DEFAULT_EWMA_ALPHA = 0.3;
  public static final double DEFAULT_SLOW_RATIO = 1.5;
  public static final double DEFAULT_SATURATED_RATIO = 6.0;
  public static final Duration DEFAULT_BASELINE_FLOOR = Duration.ofMillis(100);
  public static final int DEFAULT_UNHEALTHY_BELOW = 50;

  public static final ScoringPolicy DEFAULTS =
      new ScoringPolicy(null, null, null, null, null, null);

  public ScoringPolicy {
    window = window != null ? window : DEFAULT_WINDOW;
    ewmaAlpha = ewmaAlpha != null ? ewmaAlpha : DEFAULT_EWMA_ALPHA;
    slowRatio = slowRatio != null ? slowRatio : DEFAULT_SLOW_RATIO;
    saturatedRatio = saturatedRatio != null ? saturatedRatio : DEFAULT_SATURATED_RATIO;
    baselineFloor = baselineFloor != null ? baselineFloor : DEFAULT_BASELINE_FLOOR;
    unhealthyBelow = unhealthyBelow != null ? unhealthyBelow : DEFAULT_UNHEALTHY_BELOW;
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, was " + window);
    }
    if (!(ewmaAlpha > 0 && ewmaAlpha <= 1)) {
      throw new IllegalArgumentException("ewmaAlpha must be in (0, 1], was " + ewmaAlpha);
    }
    if (slowRatio < 1 || saturatedRatio <= slowRatio) {
      throw new IllegalArgumentException(
          "need 1 <= slowRatio < saturatedRatio, was " + slowRatio + " and " + saturatedRatio);
    }
    if (baselineFloor.isNegative() || baselineFloor.isZero()) {
      throw new IllegalArgumentException("baselineFloor must be positive, was " + baselineFloor);
    }
    if (unhealthyBelow < 0 || unhealthyBelow > 100) {
      throw new IllegalArgumentException(
          "unhealthyBelow must be between 0 and 100, was " + unhealthyBelow);
    }
  }
}

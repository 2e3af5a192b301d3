package dev.modelyard.workflows.health;

import java.util.ArrayList;
import java.util.List;

/**
 * What the health loop remembers of one instance: its last probes (at most the scoring window), the
 * latency moving average and baseline, the current failure streak and the score they give. Kept in
 * the workflow's state and carried over when it continues as new; only the score and state are
 * stored in the registry.
 */
public record InstanceHealth(
    List<HealthSample> samples,
    Double latencyEwmaMillis,
    Double baselineMillis,
    int consecutiveFailures,
    int score) {

  public static final String READY = "ready";
  public static final String UNHEALTHY = "unhealthy";

  public InstanceHealth {
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /** An instance nothing is known about yet: fully healthy until a probe says otherwise. */
  public static InstanceHealth fresh() {
    return new InstanceHealth(List.of(), null, null, 0, 100);
  }

  /** This history with one more probe, re-scored. */
  public InstanceHealth with(HealthSample sample, ScoringPolicy policy) {
    List<HealthSample> window = new ArrayList<>(samples);
    window.add(sample);
    while (window.size() > policy.window()) {
      window.removeFirst();
    }
    Double ewma = latencyEwmaMillis;
    Double baseline = baselineMillis;
    int streak;
    if (sample.outcome() == ProbeOutcome.FAILED) {
      // A failure has no latency worth averaging: it counts in the error rate and the streak.
      streak = consecutiveFailures + 1;
    } else {
      streak = 0;
      double latency = sample.latencyMillis();
      ewma =
          ewma == null ? latency : policy.ewmaAlpha() * latency + (1 - policy.ewmaAlpha()) * ewma;
      // Only answered probes set the baseline: a queue the instance had from its first probe on
      // must not become its normal.
      if (sample.outcome() == ProbeOutcome.ANSWERED) {
        baseline = baseline == null ? ewma : Math.min(baseline, ewma);
      }
    }
    int failures = (int) window.stream().filter(s -> s.outcome() == ProbeOutcome.FAILED).count();
    int score = HealthScore.of(ewma, baseline, failures, window.size(), streak, policy);
    return new InstanceHealth(window, ewma, baseline, streak, score);
  }

  /** {@code ready} or {@code unhealthy}: any failure streak, or a score under the threshold. */
  public String state(ScoringPolicy policy) {
    return consecutiveFailures > 0 || score < policy.unhealthyBelow() ? UNHEALTHY : READY;
  }
}

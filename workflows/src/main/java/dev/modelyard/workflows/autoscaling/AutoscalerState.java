package dev.modelyard.workflows.autoscaling;

import java.util.List;

/**
 * What the autoscaler remembers across a deployment's continue-as-new: its policy (null: off), the
 * times its cooldowns and idle period count from, its latest decisions for the status, and when it
 * next reads the load (0: not yet scheduled; an interval may be longer than a run lasts).
 */
public record AutoscalerState(
    AutoscalingPolicy policy,
    long lastChangeMillis,
    long lastActiveMillis,
    List<ScalingRecord> recentDecisions,
    long nextEvaluationMillis,
    long lastReadMillis) {

  public static final AutoscalerState OFF = new AutoscalerState(null, 0, 0, List.of(), 0, 0);

  public AutoscalerState {
    recentDecisions = recentDecisions == null ? List.of() : List.copyOf(recentDecisions);
  }
}

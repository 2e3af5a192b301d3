package dev.modelyard.workflows.autoscaling;

import java.util.List;

/**
 * What the autoscaler remembers across a deployment's continue-as-new: its policy (null: off), the
 * times its cooldowns and idle period count from, and its latest decisions for the status.
 */
public record AutoscalerState(
    AutoscalingPolicy policy,
    long lastChangeMillis,
    long lastActiveMillis,
    List<ScalingRecord> recentDecisions) {

  public static final AutoscalerState OFF = new AutoscalerState(null, 0, 0, List.of());

  public AutoscalerState {
    recentDecisions = recentDecisions == null ? List.of() : List.copyOf(recentDecisions);
  }
}

package dev.modelyard.workflows.autoscaling;

import dev.modelyard.workflows.models.ModelRef;

/**
 * One change of a deployment's desired count, or of its policy, as it is recorded and shown.
 *
 * @param atEpochMillis when it was decided (workflow time)
 * @param trigger what made it: {@link #AUTOSCALER}, {@link #COLD_START}, {@link #REQUEST} (a scale
 *     while autoscaling) or {@link #POLICY}
 * @param load what the autoscaler read, or null for decisions not made from load
 */
public record ScalingRecord(
    ModelRef model,
    long atEpochMillis,
    String trigger,
    int fromReplicas,
    int toReplicas,
    String reason,
    LoadSummary load) {

  public static final String AUTOSCALER = "autoscaler";
  public static final String COLD_START = "cold_start";
  public static final String REQUEST = "request";
  public static final String POLICY = "policy";
}

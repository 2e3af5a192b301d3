package dev.modelyard.workflows.autoscaling;

/**
 * What the autoscaler decided at one evaluation and why: a change from {@code fromReplicas} to
 * {@code toReplicas}, or a hold (the two equal).
 */
public record ScalingDecision(int fromReplicas, int toReplicas, String reason) {

  public static ScalingDecision hold(int replicas, String reason) {
    return new ScalingDecision(replicas, replicas, reason);
  }

  public boolean changes() {
    return fromReplicas != toReplicas;
  }
}

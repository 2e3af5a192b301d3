package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.autoscaling.ScalingRecord;
import java.util.List;

/**
 * What the deployment workflow knows: the desired count, what it is doing, and the instances it saw
 * active at its last reconciliation (the registry remains the source of their states and health);
 * with autoscaling, its policy, the reason of its latest evaluation and its latest decisions,
 * oldest first.
 */
public record DeploymentState(
    int desiredInstances,
    String phase,
    List<String> instanceIds,
    String lastFailure,
    AutoscalingPolicy autoscaling,
    String lastEvaluation,
    List<ScalingRecord> recentDecisions) {

  public DeploymentState {
    recentDecisions = recentDecisions == null ? List.of() : List.copyOf(recentDecisions);
  }
}

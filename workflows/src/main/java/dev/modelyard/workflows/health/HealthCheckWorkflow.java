package dev.modelyard.workflows.health;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Probes every serving instance periodically, keeps its health score and state in the registry, and
 * hands an instance that keeps failing to {@link RestartInstanceWorkflow}. Runs for as long as the
 * deployment does, one per deployment ({@link HealthWorkflowIds#healthCheck}).
 */
@WorkflowInterface
public interface HealthCheckWorkflow {

  @WorkflowMethod
  void check(HealthCheckRequest request);

  /** Applies a new policy from the next round on: how a worker's new configuration arrives. */
  @SignalMethod
  void reconfigure(HealthPolicy policy);

  @QueryMethod
  HealthSnapshot snapshot();
}

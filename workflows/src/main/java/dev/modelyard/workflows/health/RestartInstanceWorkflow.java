package dev.modelyard.workflows.health;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Stops and starts one instance again on its host, with bounded attempts and exponential backoff;
 * marks it ready on success and failed (with an event) once the attempts are spent. Its ID is
 * {@link HealthWorkflowIds#restart}, so one instance is never restarted twice at once.
 */
@WorkflowInterface
public interface RestartInstanceWorkflow {

  @WorkflowMethod
  RestartInstanceResult restart(RestartInstanceRequest request);
}

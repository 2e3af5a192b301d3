package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Stops one instance, where an unload stops every instance of a model: {@code DELETE
 * /containers/{id}}. An instance under a deployment is replaced at the deployment's next re-check.
 */
@WorkflowInterface
public interface StopInstanceWorkflow {

  @WorkflowMethod
  StopInstanceResult stop(StopInstanceRequest request);

  @QueryMethod
  String phase();
}

package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Stops every instance of a model; unloading a model that is not loaded is not an error. */
@WorkflowInterface
public interface UnloadModelWorkflow {

  @WorkflowMethod
  UnloadModelResult unload(UnloadModelRequest request);

  @QueryMethod
  String phase();
}

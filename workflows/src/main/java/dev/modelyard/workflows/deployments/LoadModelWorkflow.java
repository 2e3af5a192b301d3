package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Brings a registered model up as a ready instance, or returns the one already serving it. */
@WorkflowInterface
public interface LoadModelWorkflow {

  @WorkflowMethod
  LoadModelResult load(LoadModelRequest request);

  @QueryMethod
  String phase();
}

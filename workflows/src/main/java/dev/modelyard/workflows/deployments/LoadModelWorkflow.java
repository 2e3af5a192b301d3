package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Brings a registered model up as a ready instance, or returns the one already serving it. */
@WorkflowInterface
public interface LoadModelWorkflow {

  /** The model runs elsewhere, registered by its URL: there is nothing here to start. */
  String NOT_STARTABLE = "ModelNotStartable";

  /** An unload stopped the instance while this load started it. */
  String STOPPED_WHILE_STARTING = "StoppedWhileStarting";

  @WorkflowMethod
  LoadModelResult load(LoadModelRequest request);

  @QueryMethod
  String phase();
}

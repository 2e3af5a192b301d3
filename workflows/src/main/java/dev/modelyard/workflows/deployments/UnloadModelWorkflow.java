package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Stops every instance of a model (or, for an idle cleanup, those still idle); unloading a model
 * that is not loaded is not an error.
 */
@WorkflowInterface
public interface UnloadModelWorkflow {

  @WorkflowMethod
  UnloadModelResult unload(UnloadModelRequest request);

  @QueryMethod
  String phase();

  /**
   * Stops every instance of the model, used or not: sent by a user's unload that finds an idle
   * cleanup's unload of the same model under way (they share its ID), and joins it.
   */
  @SignalMethod
  void unloadEverything();
}

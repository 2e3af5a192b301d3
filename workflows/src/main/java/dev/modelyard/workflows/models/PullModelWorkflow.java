package dev.modelyard.workflows.models;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Brings a model onto a host and registers it. One running pull per model (see WorkflowIds). */
@WorkflowInterface
public interface PullModelWorkflow {

  @WorkflowMethod
  PullModelResult pull(PullModelRequest request);

  /** The step the pull is at, for the tasks API. */
  @QueryMethod
  String phase();
}

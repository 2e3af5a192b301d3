package dev.modelyard.workflows.containers;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Asks every host, at once, for the containers its runtime runs. */
@WorkflowInterface
public interface ListContainersWorkflow {

  @WorkflowMethod
  ContainerListing list(ListContainersRequest request);
}

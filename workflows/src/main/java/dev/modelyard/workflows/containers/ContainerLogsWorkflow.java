package dev.modelyard.workflows.containers;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Reads a container's last output on the host that runs it. */
@WorkflowInterface
public interface ContainerLogsWorkflow {

  @WorkflowMethod
  ContainerLogs logs(ContainerLogsRequest request);
}

package dev.modelyard.infra.temporal;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;

/** Which workflows are running now, by ID: asked of Temporal one ID at a time. */
public final class RunningWorkflows {

  private RunningWorkflows() {}

  public static List<String> among(WorkflowClient client, List<String> workflowIds) {
    List<String> running = new ArrayList<>();
    for (String id : workflowIds) {
      try {
        // The latest run of the ID: a finished one no longer owns anything.
        if (client.newUntypedWorkflowStub(id).describe().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          running.add(id);
        }
      } catch (WorkflowNotFoundException e) {
        // Never ran, or its history is past retention: not running.
      }
    }
    return running;
  }
}

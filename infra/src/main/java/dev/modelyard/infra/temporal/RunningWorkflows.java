package dev.modelyard.infra.temporal;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/** Which workflows are running now, by ID: asked of Temporal one ID at a time. */
public final class RunningWorkflows {

  private RunningWorkflows() {}

  public static List<String> among(WorkflowClient client, List<String> workflowIds) {
    return among(client, workflowIds, (id, description) -> true);
  }

  /** Those running whose description also passes {@code counts}. */
  public static List<String> among(
      WorkflowClient client,
      List<String> workflowIds,
      BiPredicate<String, WorkflowExecutionDescription> counts) {
    List<String> running = new ArrayList<>();
    for (String id : workflowIds) {
      try {
        // The latest run of the ID: a finished one no longer owns anything.
        WorkflowExecutionDescription description = client.newUntypedWorkflowStub(id).describe();
        if (description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
            && counts.test(id, description)) {
          running.add(id);
        }
      } catch (WorkflowNotFoundException e) {
        // Never ran, or its history is past retention: not running.
      }
    }
    return running;
  }
}

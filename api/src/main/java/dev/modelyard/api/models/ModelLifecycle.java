package dev.modelyard.api.models;

import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import org.springframework.stereotype.Service;

/** Starts lifecycle workflows. A second request for the same model joins the running one. */
@Service
class ModelLifecycle {

  private final WorkflowClient client;

  ModelLifecycle(WorkflowClient client) {
    this.client = client;
  }

  String startPull(PullModelRequest request) {
    String id = WorkflowIds.pull(request.model());
    PullModelWorkflow workflow =
        client.newWorkflowStub(PullModelWorkflow.class, options(id, TaskQueues.PULLS));
    return start(() -> WorkflowClient.start(workflow::pull, request), id);
  }

  String startLoad(LoadModelRequest request) {
    String id = WorkflowIds.load(request.model());
    LoadModelWorkflow workflow =
        client.newWorkflowStub(LoadModelWorkflow.class, options(id, TaskQueues.RUNTIME));
    return start(() -> WorkflowClient.start(workflow::load, request), id);
  }

  private static String start(Runnable start, String id) {
    try {
      start.run();
      return id;
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException(
          "cannot start workflow " + id + ": Temporal is unavailable", e);
    }
  }

  private static WorkflowOptions options(String workflowId, String taskQueue) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .build();
  }
}

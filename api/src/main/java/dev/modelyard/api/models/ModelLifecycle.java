package dev.modelyard.api.models;

import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.api.tasks.StartedTasks;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.RegisterEndpointRequest;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Starts lifecycle workflows. A second request for the same model joins the running one; each
 * workflow carries search attributes and a summary so it is easy to find in Temporal's Web UI.
 */
@Service
class ModelLifecycle {

  private final WorkflowClient client;
  private final StartedTasks started;

  ModelLifecycle(WorkflowClient client, StartedTasks started) {
    this.client = client;
    this.started = started;
  }

  String startPull(PullModelRequest request) {
    String id = WorkflowIds.pull(request.model());
    PullModelWorkflow workflow =
        client.newWorkflowStub(
            PullModelWorkflow.class,
            options(id, TaskQueues.PULLS, "pull", request.model(), request));
    return start(() -> WorkflowClient.start(workflow::pull, request), id);
  }

  String startLoad(LoadModelRequest request) {
    String id = WorkflowIds.load(request.model());
    LoadModelWorkflow workflow =
        client.newWorkflowStub(
            LoadModelWorkflow.class,
            options(id, TaskQueues.RUNTIME, "load", request.model(), request));
    return start(() -> WorkflowClient.start(workflow::load, request), id);
  }

  String startUnload(UnloadModelRequest request) {
    String id = WorkflowIds.unload(request.model());
    UnloadModelWorkflow workflow =
        client.newWorkflowStub(
            UnloadModelWorkflow.class,
            options(id, TaskQueues.RUNTIME, "unload", request.model(), request));
    return start(() -> WorkflowClient.start(workflow::unload, request), id);
  }

  String startRegister(RegisterEndpointRequest request) {
    String id = WorkflowIds.register(request.model());
    RegisterEndpointWorkflow workflow =
        client.newWorkflowStub(
            RegisterEndpointWorkflow.class,
            options(id, TaskQueues.RUNTIME, "register", request.model(), request));
    return start(() -> WorkflowClient.start(workflow::register, request), id);
  }

  private String start(Runnable start, String id) {
    try {
      start.run();
      started.add(id);
      return id;
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException("cannot start workflow " + id + ": " + e.getMessage(), e);
    }
  }

  private static WorkflowOptions options(
      String workflowId, String taskQueue, String operation, ModelRef model, Record request) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setTypedSearchAttributes(ModelyardSearchAttributes.of(operation, model))
        .setStaticSummary(operation + " " + model)
        .setMemo(Map.of("request", request))
        .build();
  }
}
